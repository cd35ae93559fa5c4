import { locationText } from '../inventory/location-text.js';
import type { Notice, NoticeCertificate, NoticeLocation } from './notice.js';

/** A notice in words, for channels read by people (email, Slack). */
export interface RenderedNotice {
  /** One line: the email subject, the Slack headline. */
  title: string;
  /** The details, one fact a line. */
  lines: string[];
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

/** Why the notice goes out, in a few words: `Certificate expires within 7 days`, `Certificate finding weak-key (high)`. */
export function reasonText(notice: Notice): string {
  const reason = notice.reason;
  switch (reason.kind) {
    case 'expiring':
      return `Certificate expires within ${reason.thresholdDays} day${reason.thresholdDays === 1 ? '' : 's'}`;
    case 'expired':
      return 'Certificate has expired';
    case 'finding':
      return `Certificate finding ${reason.finding.code} (${reason.finding.severity})`;
    case 'exception-expiring':
      return `Exception ${reason.exception.name} expires on ${day(reason.exception.expires)}`;
  }
}

/** Why, in the fewest words, for a digest's table: `expires within 7 days`, `expired`, `finding weak-key (high)`. */
export function reasonBrief(notice: Notice): string {
  const reason = notice.reason;
  switch (reason.kind) {
    case 'expiring':
      return `expires within ${reason.thresholdDays} day${reason.thresholdDays === 1 ? '' : 's'}`;
    case 'expired':
      return 'expired';
    case 'finding':
      return `finding ${reason.finding.code} (${reason.finding.severity})`;
    case 'exception-expiring':
      return `exception expires on ${day(reason.exception.expires)}`;
  }
}

/** The notice's headline, naming its certificate: the email subject of a digest that holds only this notice. */
export function headline(notice: Notice): string {
  const name = notice.certificate?.subject;
  return name === undefined ? reasonText(notice) : `${reasonText(notice)}: ${name}`;
}

/** When a location was last seen, and since when it has not answered when its probes fail. */
const seenText = (location: NoticeLocation): string =>
  `last seen ${location.lastSeen.toISOString()}` +
  (location.unreachableSince === undefined
    ? ''
    : `, unreachable since ${location.unreachableSince.toISOString()}`);

/**
 * A certificate as a notice names it, then every location it is at with when it was last seen there (and, for an
 * endpoint that stopped answering, since when).
 */
export function certificateLines(certificate: NoticeCertificate): string[] {
  return [
    `Subject: ${certificate.subject}`,
    `Names: ${certificate.subjectAltNames.join(', ') || '(none)'}`,
    `Not after: ${certificate.notAfter.toISOString()}`,
    `Fingerprint (SHA-256): ${certificate.fingerprintSha256}`,
    certificate.locations.length === 0 ? 'Where: (no location seen now)' : 'Where:',
    ...certificate.locations.map(
      // `issued by ca NAME` names its kind itself.
      (l) => `  - ${l.kind === 'issued' ? '' : `${l.kind} `}${locationText(l)} (${seenText(l)})`,
    ),
  ];
}

/** What only this notice's reason adds: the finding's message, the exception's terms. */
export function reasonLines(notice: Notice): string[] {
  const reason = notice.reason;
  if (reason.kind === 'finding') return [`Finding: ${reason.finding.message}`];
  if (reason.kind === 'exception-expiring') {
    return [
      `Waives: ${reason.exception.waives.join(', ')}`,
      `Reason: ${reason.exception.reason}`,
      `Expires: ${reason.exception.expires.toISOString()}`,
    ];
  }
  return [];
}

export const acknowledgeLine = (certificate: NoticeCertificate): string =>
  `Acknowledge (stops escalation): custos ack ${certificate.fingerprintSha256.slice(0, 16)}`;

/** One notice alone in words (a webhook's `notices[].title` and `text`). */
export function renderNotice(notice: Notice): RenderedNotice {
  const escalation = notice.level > 0 ? `[escalation level ${notice.level}] ` : '';
  const title = `[custos] ${escalation}${headline(notice)} (owner ${notice.owner})`;
  const certificate = notice.certificate;
  const lines: string[] = [
    ...(certificate === null ? [] : certificateLines(certificate)),
    ...reasonLines(notice),
    `What to do: ${notice.remedy}`,
    `Owner: ${notice.owner}`,
  ];
  if (notice.level > 0) {
    lines.push(`Escalated to level ${notice.level}: the first notice has not been acknowledged.`);
  }
  if (certificate !== null) lines.push(acknowledgeLine(certificate));
  return { title, lines };
}
