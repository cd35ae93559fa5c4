import type { AuditEventInput } from '../audit/audit-event.js';
import { nextAttemptAt } from '../jobs/job-backoff.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationStore } from '../ports/notification-log.js';
import type { NotifierRegistry } from '../ports/notifier.js';
import type { Random } from '../ports/random.js';
import { claimNotices, NOTICE_BACKOFF, type ClaimedNotice } from './claim-notices.js';
import { contactLabel, type NotificationOwner } from './contact.js';
import {
  DEFAULT_DELIVERY_POLICY,
  deliverNotices,
  type DeliveryPolicy,
  type DeliveryResult,
  type Sleep,
} from './deliver-notices.js';
import type { DeliveryRecord } from './delivery.js';
import { planNotices, type PlannedCertificate, type PlannedException } from './plan-notices.js';

/** Where the notices' subjects come from: the inventory with owners and findings, the owners, the exceptions. */
export interface NoticeSources {
  /** The certificates installed now, each with its owner (or null) and its findings at `now`. */
  certificates(now: Date): Promise<PlannedCertificate[]>;
  owners(): Promise<NotificationOwner[]>;
  /** The exceptions with the owners to tell when one is about to expire. */
  exceptions(now: Date): Promise<PlannedException[]>;
}

export interface RunNotificationsDeps {
  store: NotificationStore;
  clock: Clock;
  /** Jitter of the retry backoff. */
  random: Random;
  sleep: Sleep;
  notifiers: NotifierRegistry;
  sources: NoticeSources;
}

export interface RunNotificationsInput {
  /** Who runs it, for the audit trail: `cli:notify`, `server:scheduler`. */
  actor: string;
  /** The worker that claims the notices, as `custos jobs list` shows it (host and process id). */
  worker: string;
  thresholdsDays?: readonly number[];
  policy?: DeliveryPolicy;
}

export interface NotifyRunSummary {
  /** Notices that were due and this run tried. */
  due: number;
  /** Notices due but not tried by this run: another run holds them, or they wait for their retry (backoff). */
  deferred: number;
  sent: number;
  failed: number;
  /** Of the due notices, those at escalation level 1 or higher. */
  escalations: number;
  /** The delivery records this run wrote (one per due notice). */
  deliveries: DeliveryRecord[];
}

/**
 * `custos notify run`: plans what is due now, claims it (so that runs at the same moment send each notice once),
 * delivers it, and records every delivery with its audit event and the completion of its claim in one
 * transaction. A notice that failed is recorded as failed and tried again by a later run after a backoff that
 * doubles with each failed run; the claims of a run that crashed are taken by a later run when their lease ends.
 */
export async function runNotifications(
  deps: RunNotificationsDeps,
  input: RunNotificationsInput,
): Promise<NotifyRunSummary> {
  const now = deps.clock.now();
  const [certificates, owners, exceptions, planLog, acknowledgements] = await Promise.all([
    deps.sources.certificates(now),
    deps.sources.owners(),
    deps.sources.exceptions(now),
    deps.store.notifications.deliveries(),
    deps.store.notifications.acknowledgements(),
  ]);
  const tried = new Map(planLog.map((d) => [d.key, d.attempts]));
  const planned = planNotices({
    now,
    certificates,
    owners,
    exceptions,
    deliveries: planLog,
    acknowledgements,
    thresholdsDays: input.thresholdsDays,
  });
  // Notices never tried before go first: one notice a contact keeps refusing must not starve the others.
  const notices = planned
    .map((notice, index) => ({ notice, index, tried: tried.get(notice.key) ?? 0 }))
    .sort((a, b) => a.tried - b.tried || a.index - b.index)
    .map((entry) => entry.notice);
  const { claimed, log } = await claimNotices(deps, notices, input.worker);
  const previous = new Map(log.map((d) => [d.key, d]));
  const results = await deliverNotices(
    deps,
    claimed.map((c) => c.notice),
    input.policy ?? DEFAULT_DELIVERY_POLICY,
  );
  const records = results.map((result) => deliveryRecord(result, previous.get(result.notice.key)));
  if (records.length > 0) {
    await deps.store.transaction(async (tx) => {
      await tx.notifications.putDeliveries(records);
      await tx.appendAudit(results.map((result, i) => auditEvent(result, records[i]!, input.actor)));
      for (const [i, result] of results.entries()) {
        if (result.ok) await tx.jobs.complete((claimed[i] as ClaimedNotice).lease);
      }
    });
  }
  await scheduleRetries(deps, claimed, results);
  const sent = records.filter((r) => r.status === 'sent').length;
  return {
    due: records.length,
    deferred: notices.length - claimed.length,
    sent,
    failed: records.length - sent,
    escalations: records.filter((r) => r.level > 0).length,
    deliveries: records,
  };
}

/** Each failed notice's claim ends with its retry time (or, after its last attempt, the job given up). */
async function scheduleRetries(
  deps: RunNotificationsDeps,
  claimed: readonly ClaimedNotice[],
  results: readonly DeliveryResult[],
): Promise<void> {
  for (const [i, result] of results.entries()) {
    if (result.ok) continue;
    const { lease, maxAttempts } = claimed[i] as ClaimedNotice;
    const at = deps.clock.now();
    const retryAt = nextAttemptAt({ attempts: lease.attempts, maxAttempts }, at, NOTICE_BACKOFF, deps.random);
    await deps.store.jobs.fail(lease, { error: result.error ?? 'not delivered', at, retryAt });
  }
}

function deliveryRecord(result: DeliveryResult, before: DeliveryRecord | undefined): DeliveryRecord {
  const notice = result.notice;
  return {
    key: notice.key,
    subject: notice.subject,
    reasonKey: notice.reasonKey,
    level: notice.level,
    owner: notice.owner,
    channel: notice.contact.channel,
    contactKey: notice.contactKey,
    contact: contactLabel(notice.contact),
    status: result.ok ? 'sent' : 'failed',
    attempts: (before?.attempts ?? 0) + result.attempts,
    lastError: result.error,
    firstAttemptAt: before?.firstAttemptAt ?? result.firstAttemptAt,
    lastAttemptAt: result.lastAttemptAt,
    sentAt: result.ok ? result.lastAttemptAt : null,
  };
}

function auditEvent(result: DeliveryResult, record: DeliveryRecord, actor: string): AuditEventInput {
  return {
    type: result.ok ? 'notice.sent' : 'notice.failed',
    actor,
    subject: record.subject,
    at: record.lastAttemptAt,
    data: {
      notice: record.key,
      digest: result.digest,
      reason: record.reasonKey,
      level: record.level,
      owner: record.owner,
      channel: record.channel,
      contact: record.contact,
      attempts: result.attempts,
      totalAttempts: record.attempts,
      ...(result.error === null ? {} : { error: result.error }),
    },
  };
}
