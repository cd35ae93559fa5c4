import { counted } from '../plural.js';
import { tableLines } from '../text-table.js';
import type { Digest, DigestEntry } from './digest.js';
import {
  acknowledgeLine,
  certificateLines,
  headline,
  reasonBrief,
  reasonLines,
  reasonText,
  renderNotice,
  type RenderedNotice,
} from './render-notice.js';

const DAY_MS = 86_400_000;

/** How long is left at `at`: `12d`, `<1d`, or `expired`. */
function left(until: Date, at: Date): string {
  const ms = until.getTime() - at.getTime();
  if (ms <= 0) return 'expired';
  return ms < DAY_MS ? '<1d' : `${Math.floor(ms / DAY_MS)}d`;
}

const minute = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function why(entry: DigestEntry): string {
  return entry.notices
    .map((n) => `${reasonBrief(n)}${n.level > 0 ? ` (escalation level ${n.level})` : ''}`)
    .join('; ');
}

function tableRow(entry: DigestEntry, index: number, at: Date): string[] {
  const certificate = entry.certificate;
  const reason = entry.notices[0]?.reason;
  const until =
    certificate?.notAfter ?? (reason?.kind === 'exception-expiring' ? reason.exception.expires : null);
  return [
    String(index + 1),
    until === null ? '' : minute(until),
    until === null ? '' : left(until, at),
    entry.severity,
    certificate === null ? entry.subject : certificate.subject,
    why(entry),
  ];
}

function entryLines(entry: DigestEntry, index: number): string[] {
  const certificate = entry.certificate;
  const lines = [`${index + 1}. ${certificate?.subject ?? entry.subject}`];
  for (const notice of entry.notices) {
    lines.push(`Why: ${reasonText(notice)}${notice.level > 0 ? ` (escalation level ${notice.level})` : ''}`);
    lines.push(...reasonLines(notice));
  }
  if (certificate !== null) lines.push(...certificateLines(certificate));
  const remedies = [...new Set(entry.notices.map((n) => n.remedy))];
  lines.push(...remedies.map((remedy) => `What to do: ${remedy}`));
  if (certificate !== null) lines.push(acknowledgeLine(certificate));
  return lines;
}

function summary(digest: Digest): string {
  const certificates = digest.entries.filter((e) => e.certificate !== null).length;
  const exceptions = digest.entries.length - certificates;
  return [
    ...(certificates > 0 ? [counted(certificates, 'certificate')] : []),
    ...(exceptions > 0 ? [counted(exceptions, 'exception')] : []),
  ].join(' and ');
}

/**
 * A digest in words (the email, the Slack message, a webhook's `title` and `text`): a table of every certificate
 * due, most urgent first, then each one in detail: why, where it is (every location, when last seen there), what to
 * do, and how to acknowledge it. A digest of one notice keeps that notice's title.
 */
export function renderDigest(digest: Digest, at: Date): RenderedNotice {
  const first = digest.notices[0];
  const escalation = digest.level > 0 ? `[escalation level ${digest.level}] ` : '';
  const need = digest.entries.length === 1 ? 'needs' : 'need';
  const title =
    digest.notices.length === 1 && first !== undefined
      ? renderNotice(first).title
      : `[custos] ${escalation}${summary(digest)} ${need} attention, most urgent: ${first === undefined ? '' : headline(first)} (owner ${digest.owner})`;
  const lines = [
    `${summary(digest)} of owner ${digest.owner} ${need} attention, most urgent first:`,
    '',
    ...tableLines(
      ['#', 'EXPIRES', 'LEFT', 'SEVERITY', 'SUBJECT', 'WHY'],
      digest.entries.map((entry, index) => tableRow(entry, index, at)),
    ),
  ];
  digest.entries.forEach((entry, index) => lines.push('', ...entryLines(entry, index)));
  lines.push('', `Owner: ${digest.owner}`);
  if (digest.level > 0) {
    lines.push(
      `Escalated to level ${digest.level}: the first notice has not been acknowledged (custos ack stops it).`,
    );
  }
  return { title, lines };
}
