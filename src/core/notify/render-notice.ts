import type { Notice } from './notice.js';

/** A notice in words, for channels read by people (email, Slack). */
export interface RenderedNotice {
  /** One line: the email subject, the Slack headline. */
  title: string;
  /** The details, one fact a line. */
  lines: string[];
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

function headline(notice: Notice): string {
  const reason = notice.reason;
  const name = notice.certificate?.subject ?? '';
  switch (reason.kind) {
    case 'expiring':
      return `Certificate expires within ${reason.thresholdDays} day${reason.thresholdDays === 1 ? '' : 's'}: ${name}`;
    case 'expired':
      return `Certificate has expired: ${name}`;
    case 'finding':
      return `Certificate finding ${reason.finding.code} (${reason.finding.severity}): ${name}`;
    case 'exception-expiring':
      return `Exception ${reason.exception.name} expires on ${day(reason.exception.expires)}`;
  }
}

export function renderNotice(notice: Notice): RenderedNotice {
  const escalation = notice.level > 0 ? `[escalation level ${notice.level}] ` : '';
  const title = `[custos] ${escalation}${headline(notice)} (owner ${notice.owner})`;
  const lines: string[] = [];
  const certificate = notice.certificate;
  if (certificate !== null) {
    lines.push(
      `Subject: ${certificate.subject}`,
      `Names: ${certificate.subjectAltNames.join(', ') || '(none)'}`,
      `Not after: ${certificate.notAfter.toISOString()}`,
      `Fingerprint (SHA-256): ${certificate.fingerprintSha256}`,
    );
  }
  if (notice.reason.kind === 'finding') lines.push(`Finding: ${notice.reason.finding.message}`);
  if (notice.reason.kind === 'exception-expiring') {
    const exception = notice.reason.exception;
    lines.push(
      `Waives: ${exception.waives.join(', ')}`,
      `Reason: ${exception.reason}`,
      `Expires: ${exception.expires.toISOString()}; extend it or fix what it waives before then.`,
    );
  }
  lines.push(`Owner: ${notice.owner}`);
  if (notice.level > 0) {
    lines.push(`Escalated to level ${notice.level}: the first notice has not been acknowledged.`);
  }
  if (certificate !== null) {
    lines.push(`Acknowledge (stops escalation): custos ack ${certificate.fingerprintSha256.slice(0, 16)}`);
  }
  return { title, lines };
}
