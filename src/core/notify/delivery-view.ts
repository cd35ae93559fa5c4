import type { DeliveryRecord } from './delivery.js';
import type { NotifyRunSummary } from './run-notifications.js';

/**
 * A delivery as `notify log --json` and `notify run --json` print it (a contract for scripts): times as ISO 8601
 * UTC, the contact as a person may see it (an address, or a URL's origin; never a secret).
 */
export interface DeliveryView {
  notice: string;
  subject: string;
  reason: string;
  level: number;
  owner: string;
  channel: string;
  contact: string;
  status: 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  firstAttemptAt: string;
  lastAttemptAt: string;
  sentAt: string | null;
}

export function deliveryView(record: DeliveryRecord): DeliveryView {
  return {
    notice: record.key,
    subject: record.subject,
    reason: record.reasonKey,
    level: record.level,
    owner: record.owner,
    channel: record.channel,
    contact: record.contact,
    status: record.status,
    attempts: record.attempts,
    lastError: record.lastError,
    firstAttemptAt: record.firstAttemptAt.toISOString(),
    lastAttemptAt: record.lastAttemptAt.toISOString(),
    sentAt: record.sentAt?.toISOString() ?? null,
  };
}

/** The columns of a delivery in a table: the subject shortened (a fingerprint prefix `custos ack` accepts). */
export const DELIVERY_TABLE_HEADER = [
  'LAST ATTEMPT',
  'STATUS',
  'TRIES',
  'LEVEL',
  'REASON',
  'OWNER',
  'CONTACT',
  'SUBJECT',
  'ERROR',
];

export function deliveryRow(view: DeliveryView): string[] {
  const subject = view.subject.startsWith('exception:') ? view.subject : view.subject.slice(0, 16);
  return [
    view.lastAttemptAt.slice(0, 19).replace('T', ' '),
    view.status,
    String(view.attempts),
    String(view.level),
    view.reason,
    view.owner,
    `${view.channel} ${view.contact}`,
    subject,
    view.lastError ?? '',
  ];
}

/** What `notify run --json` prints: the run's counts and each delivery it made. */
export const runSummaryView = (summary: NotifyRunSummary) => ({
  ...summary,
  deliveries: summary.deliveries.map(deliveryView),
});
