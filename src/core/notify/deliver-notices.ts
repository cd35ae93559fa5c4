import type { Clock } from '../ports/clock.js';
import type { DeliveryOutcome, NotifierRegistry } from '../ports/notifier.js';
import { channelOffError } from './channel-settings.js';
import { digestsOf, type Digest } from './digest.js';
import type { Notice } from './notice.js';

/** Waits `ms`, or less when `signal` aborts; never rejects. Injected so that core sets no timers of its own. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface DeliveryPolicy {
  /** Tries per notice within one run; a notice still failing is recorded as failed and retried next run. */
  attempts: number;
  /** Wait before the second try; doubled before each further one. */
  backoffMs: number;
  /** Deadline of one attempt. */
  timeoutMs: number;
  /** Contacts delivered to at the same time. */
  concurrency: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  attempts: 3,
  backoffMs: 1_000,
  timeoutMs: 10_000,
  concurrency: 16,
};

export interface DeliverNoticesDeps {
  notifiers: NotifierRegistry;
  clock: Clock;
  sleep: Sleep;
}

export interface DeliveryResult {
  notice: Notice;
  /** The digest the notice went out in (its owner and contact's one message of this run). */
  digest: string;
  ok: boolean;
  /** Attempts made in this run (0 when the channel is not configured or the contact was given up on). */
  attempts: number;
  error: string | null;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
}

/** What one digest's delivery came to; each of its notices shares it. */
type DigestOutcome = Omit<DeliveryResult, 'notice' | 'digest'>;

/** What the caller does around each digest, in the contact's order (each awaited before the contact's next digest). */
export interface DigestHooks {
  /** Before a digest goes out: the notices of it still to send (a digest left with none is skipped). */
  sending(notices: readonly Notice[]): Promise<readonly Notice[]>;
  /** Once a digest's delivery is over (sent or failed), with one result per notice in it. */
  delivered(results: readonly DeliveryResult[]): Promise<void>;
}

const ALL_OF_THEM: DigestHooks = {
  sending: (notices) => Promise.resolve(notices),
  delivered: () => Promise.resolve(),
};

/**
 * Delivers notices as digests: one message per owner and contact (digest.ts), contacts in parallel (at most
 * `concurrency` at once), each contact's digests one after another, each digest tried up to `attempts` times with
 * exponential backoff and a deadline per attempt. A contact that exhausts its attempts is given up on for the rest
 * of the run, so a dead channel costs one digest's retries, never the others' time. `hooks` see each digest before
 * and after it goes (to record it at once); when one throws, no further digest starts and the first error is
 * thrown once the ones under way are over. Returns one result per notice sent or tried (the result of its digest),
 * in the order given: each notice is still recorded on its own.
 */
export async function deliverNotices(
  deps: DeliverNoticesDeps,
  notices: readonly Notice[],
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
  hooks: DigestHooks = ALL_OF_THEM,
): Promise<DeliveryResult[]> {
  const byContact = new Map<string, Digest[]>();
  for (const digest of digestsOf(notices)) {
    const list = byContact.get(digest.contactKey) ?? [];
    list.push(digest);
    byContact.set(digest.contactKey, list);
  }
  const results = new Map<string, DeliveryResult>();
  const queues = [...byContact.values()];
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (let queue = queues.shift(); queue !== undefined && failures.length === 0; queue = queues.shift()) {
      let unreachable: string | null = null;
      for (const planned of queue) {
        if (failures.length > 0) return;
        try {
          const digest = await stillToSend(planned, hooks);
          if (digest === null) continue;
          let outcome: DigestOutcome;
          if (unreachable !== null) {
            const now = deps.clock.now();
            outcome = { ok: false, attempts: 0, error: unreachable, firstAttemptAt: now, lastAttemptAt: now };
          } else {
            outcome = await deliverDigest(deps, digest, policy);
            if (!outcome.ok)
              unreachable = `not tried: the contact failed earlier in this run (${outcome.error})`;
          }
          const delivered = digest.notices.map((notice) => ({ notice, digest: digest.key, ...outcome }));
          for (const result of delivered) results.set(result.notice.key, result);
          await hooks.delivered(delivered);
        } catch (cause) {
          failures.push(cause);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(policy.concurrency, queues.length)) }, worker));
  if (failures.length > 0) throw failures[0];
  return notices.flatMap((notice) => results.get(notice.key) ?? []);
}

/** The digest as it goes out: the planned one, or one of the notices `sending` kept; null when it kept none. */
async function stillToSend(planned: Digest, hooks: DigestHooks): Promise<Digest | null> {
  const kept = await hooks.sending(planned.notices);
  if (kept.length === planned.notices.length) return planned;
  return digestsOf(kept)[0] ?? null;
}

async function deliverDigest(
  deps: DeliverNoticesDeps,
  digest: Digest,
  policy: DeliveryPolicy,
): Promise<DigestOutcome> {
  const firstAttemptAt = deps.clock.now();
  const notifier = deps.notifiers[digest.contact.channel];
  if (notifier === undefined) {
    const error = channelOffError(digest.contact.channel);
    return { ok: false, attempts: 0, error, firstAttemptAt, lastAttemptAt: firstAttemptAt };
  }
  let error = '';
  let lastAttemptAt = firstAttemptAt;
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    if (attempt > 1) await deps.sleep(policy.backoffMs * 2 ** (attempt - 2));
    lastAttemptAt = deps.clock.now();
    const outcome = await withDeadline(deps.sleep, policy.timeoutMs, () =>
      notifier.deliver(digest, digest.contact, { at: lastAttemptAt, timeoutMs: policy.timeoutMs }),
    );
    if (outcome.ok) return { ok: true, attempts: attempt, error: null, firstAttemptAt, lastAttemptAt };
    error = outcome.error;
  }
  return { ok: false, attempts: policy.attempts, error, firstAttemptAt, lastAttemptAt };
}

/**
 * The notifier bounds its own attempt by `timeoutMs`; this guard (a little later, so the notifier's own, more
 * precise error wins) stops waiting for one that does not, and turns a throw into an outcome.
 */
async function withDeadline(
  sleep: Sleep,
  timeoutMs: number,
  attempt: () => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome> {
  const stop = new AbortController();
  const guard = sleep(timeoutMs + 1_000, stop.signal).then((): DeliveryOutcome => ({
    ok: false,
    error: `no answer within ${timeoutMs} ms`,
  }));
  try {
    return await Promise.race([
      attempt().catch((cause: unknown): DeliveryOutcome => ({ ok: false, error: describe(cause) })),
      guard,
    ]);
  } finally {
    stop.abort();
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
