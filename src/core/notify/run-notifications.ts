import type { AuditEventInput } from '../audit/audit-event.js';
import { retryDelayMs } from '../jobs/job-backoff.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationStore } from '../ports/notification-log.js';
import type { NotifierRegistry } from '../ports/notifier.js';
import type { Random } from '../ports/random.js';
import { claimNotices, keepClaims, NOTICE_BACKOFF, type ClaimedNotice } from './claim-notices.js';
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
  /**
   * Notices due but not tried by this run: another run holds them (or took them over while this run was sending),
   * or they wait for their retry (backoff).
   */
  deferred: number;
  sent: number;
  failed: number;
  /** Of the due notices, those at escalation level 1 or higher. */
  escalations: number;
  /** The delivery records this run wrote (one per due notice), in plan order. */
  deliveries: DeliveryRecord[];
}

/**
 * `custos notify run`: plans what is due now, claims it (so that runs at the same moment send each notice once),
 * delivers it, and records each digest as soon as its delivery is over: its notices' delivery records, their audit
 * events and the completion (or failure) of their claims in one transaction per digest. A run that dies half-way
 * has recorded every digest it finished, so a later run sends only the others; the claims of the notices it had
 * not recorded are taken by a later run when their lease ends. While it sends, the run extends the leases of the
 * claims it still holds. A notice that failed is recorded as failed and tried again by a later run after a backoff
 * that doubles with each failed run.
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
  const claims = await claimNotices(deps, notices, input.worker);
  const previous = new Map(claims.log.map((d) => [d.key, d]));
  const claimOf = new Map(claims.claimed.map((claim) => [claim.notice.key, claim]));
  const held = keepClaims(deps, claims);
  const records: DeliveryRecord[] = [];
  await deliverNotices(
    deps,
    claims.claimed.map((c) => c.notice),
    input.policy ?? DEFAULT_DELIVERY_POLICY,
    {
      sending: async (digest) => {
        await held.keep();
        return digest.filter((notice) => held.get(notice.key) !== undefined);
      },
      delivered: async (results) => {
        await held.keep();
        const claimsOf = results.map((result) => claimOf.get(result.notice.key) as ClaimedNotice);
        records.push(...(await recordDigest(deps, input.actor, results, claimsOf, previous)));
        for (const result of results) held.release(result.notice.key);
      },
    },
  );
  const order = new Map(claims.claimed.map((claim, index) => [claim.notice.key, index]));
  records.sort((a, b) => (order.get(a.key) as number) - (order.get(b.key) as number));
  const sent = records.filter((r) => r.status === 'sent').length;
  return {
    due: records.length,
    deferred: notices.length - records.length,
    sent,
    failed: records.length - sent,
    escalations: records.filter((r) => r.level > 0).length,
    deliveries: records,
  };
}

/**
 * Records one digest's delivery in one transaction: each notice's delivery record and audit event, and the end of
 * its claim: completed when sent; when failed, queued again for one retry time of the whole digest (so that its
 * notices are claimed together again and go as the same digest), or given up after the notice's last attempt.
 */
async function recordDigest(
  deps: RunNotificationsDeps,
  actor: string,
  results: readonly DeliveryResult[],
  claims: readonly ClaimedNotice[],
  previous: ReadonlyMap<string, DeliveryRecord>,
): Promise<DeliveryRecord[]> {
  const records = results.map((result) => deliveryRecord(result, previous.get(result.notice.key)));
  const at = deps.clock.now();
  const retryAt = digestRetryAt(claims, at, deps.random);
  return deps.store.transaction(async (tx) => {
    // The claims end first: a failure whose claim was lost meanwhile (another run holds the notice now) is that
    // run's to record, so it writes no record over what that run may have sent. What was sent is recorded as sent.
    const kept: number[] = [];
    for (const [i, result] of results.entries()) {
      const { lease, maxAttempts } = claims[i] as ClaimedNotice;
      const held = result.ok
        ? await tx.jobs.complete(lease)
        : await tx.jobs.fail(lease, {
            error: result.error ?? 'not delivered',
            at,
            retryAt: lease.attempts >= maxAttempts ? null : retryAt,
          });
      if (result.ok || held) kept.push(i);
    }
    const recorded = kept.map((i) => records[i] as DeliveryRecord);
    await tx.notifications.putDeliveries(recorded);
    await tx.appendAudit(
      kept.map((i) => auditEvent(results[i] as DeliveryResult, records[i] as DeliveryRecord, actor)),
    );
    return recorded;
  });
}

/** When a failed digest is tried again: one backoff (and one jitter) for all its notices, by the most tried one. */
function digestRetryAt(claims: readonly ClaimedNotice[], at: Date, random: Random): Date | null {
  const attempts = claims.filter((c) => c.lease.attempts < c.maxAttempts).map((c) => c.lease.attempts);
  if (attempts.length === 0) return null;
  return new Date(at.getTime() + retryDelayMs(Math.max(...attempts), NOTICE_BACKOFF, random));
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
