import type { Clock } from '../ports/clock.js';
import type { JobLease, JsonValue } from '../ports/job-queue.js';
import type { NotificationStore } from '../ports/notification-log.js';
import type { BackoffPolicy } from '../jobs/job-backoff.js';
import type { DeliveryRecord } from './delivery.js';
import type { Notice } from './notice.js';

/** The job kind of a notice's delivery: one job per notice key, claimed by the run that sends it. */
export const NOTICE_JOB = 'notice.deliver';

/**
 * How long a run's claim on its notices holds: a run that crashed leaves them to a later run after this. A run
 * that is still sending extends the claims it holds once a third of this has passed (see `keepClaims`).
 */
export const NOTICE_LEASE_MS = 15 * 60_000;

/** The wait before a notice that failed in one run is tried by a later run: from a minute, doubling, up to 6 h. */
export const NOTICE_BACKOFF: BackoffPolicy = { baseMs: 60_000, maxMs: 6 * 60 * 60_000 };

/** Runs that may fail a notice before its job is given up (`custos jobs list` shows it; a later run starts anew). */
export const NOTICE_MAX_ATTEMPTS = 10;

export interface ClaimedNotice {
  notice: Notice;
  lease: JobLease;
  maxAttempts: number;
}

export interface NoticeClaims {
  /** The planned notices this run holds, in plan order: it alone sends them. */
  claimed: ClaimedNotice[];
  /** The delivery log as read after claiming. */
  log: DeliveryRecord[];
  /** When the claims' leases started. */
  claimedAt: Date;
}

/**
 * Claims planned notices before they are sent, so that runs at the same moment (two `custos notify run`, several
 * servers) send each notice once. Each notice is a job keyed by its notice key: enqueueing adds none while another
 * run holds it or it waits for its retry; claiming takes the due ones under a lease. The delivery log is read
 * again after claiming: a notice another run sent between this run's plan and its claim is dropped, not resent
 * (its job was completed in the same transaction that recorded it sent, so this read sees it).
 */
export async function claimNotices(
  deps: { store: NotificationStore; clock: Clock },
  notices: readonly Notice[],
  worker: string,
): Promise<NoticeClaims> {
  const now = deps.clock.now();
  if (notices.length === 0) return { claimed: [], log: [], claimedAt: now };
  await deps.store.transaction(async (tx) => {
    for (const notice of notices) {
      await tx.jobs.enqueue(
        {
          kind: NOTICE_JOB,
          payload: { notice: notice.key },
          dedupKey: `notice:${notice.key}`,
          maxAttempts: NOTICE_MAX_ATTEMPTS,
        },
        now,
      );
    }
  });
  const jobs = [];
  for (;;) {
    const batch = await deps.store.jobs.claim({
      worker,
      kinds: [NOTICE_JOB],
      now,
      leaseMs: NOTICE_LEASE_MS,
      limit: 500,
    });
    if (batch.length === 0) break;
    jobs.push(...batch);
  }
  const log = await deps.store.notifications.deliveries();
  const sent = new Set(log.filter((record) => record.status === 'sent').map((record) => record.key));
  const order = new Map(notices.map((notice, index) => [notice.key, index]));
  const claimed: ClaimedNotice[] = [];
  const done: JobLease[] = [];
  for (const job of jobs) {
    const key = noticeKeyOf(job.payload);
    const lease = { id: job.id, attempts: job.attempts };
    // A notice sent meanwhile, or one this run did not plan (no longer due: superseded, acknowledged), is done.
    if (key === null || sent.has(key) || !order.has(key)) done.push(lease);
    else
      claimed.push({
        notice: notices[order.get(key) as number] as Notice,
        lease,
        maxAttempts: job.maxAttempts,
      });
  }
  if (done.length > 0) {
    await deps.store.transaction(async (tx) => {
      for (const lease of done) await tx.jobs.complete(lease);
    });
  }
  claimed.sort((a, b) => (order.get(a.notice.key) as number) - (order.get(b.notice.key) as number));
  return { claimed, log, claimedAt: now };
}

function noticeKeyOf(payload: JsonValue): string | null {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const key = payload['notice'];
  return typeof key === 'string' ? key : null;
}

/** The claims a run holds while it sends: the notices it alone may still send. */
export interface HeldClaims {
  /** The claim of a notice this run still holds, or undefined (recorded already, or lost to another run). */
  get(key: string): ClaimedNotice | undefined;
  /** The notice is recorded: its claim was completed or failed with the record. */
  release(key: string): void;
  /**
   * Extends every claim still held, once a third of the lease has passed since they were claimed or last extended
   * (by the run's clock); a claim whose lease was lost meanwhile is dropped, since another run may hold it now.
   */
  keep(): Promise<void>;
}

/**
 * Keeps a run's claims while it sends: called at each digest, `keep` moves the leases on, so a run with many
 * notices or slow contacts does not lose them to a run started later, which would send the same notices again.
 * Each digest's delivery is bounded by its attempts' deadlines, far within a third of the lease.
 */
export function keepClaims(
  deps: { store: NotificationStore; clock: Clock },
  claims: NoticeClaims,
): HeldClaims {
  const held = new Map(claims.claimed.map((claim) => [claim.notice.key, claim]));
  let extended = claims.claimedAt.getTime();
  let extending: Promise<void> | null = null;
  const extendAll = async (): Promise<void> => {
    const now = deps.clock.now().getTime();
    if (now - extended < NOTICE_LEASE_MS / 3) return;
    extended = now;
    const until = new Date(now + NOTICE_LEASE_MS);
    for (const [key, claim] of [...held]) {
      if (!(await deps.store.jobs.extend(claim.lease, until))) held.delete(key);
    }
  };
  return {
    get: (key) => held.get(key),
    release: (key) => void held.delete(key),
    keep: async () => {
      // One extension at a time: contacts sent in parallel all call this.
      extending ??= extendAll().finally(() => {
        extending = null;
      });
      await extending;
    },
  };
}
