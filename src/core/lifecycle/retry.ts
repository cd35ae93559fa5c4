import { retryDelayMs, type BackoffPolicy } from '../jobs/job-backoff.js';
import type { Random } from '../ports/random.js';

/** How long a managed certificate's failed or partial step waits: 10 s doubling up to 30 min, with jitter. */
export const MANAGED_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 30 * 60_000 };

/** When to try a step again after its `attempts`-th failure (exponential with equal jitter, as jobs back off). */
export function retryAt(attempts: number, now: Date, random: Random, policy = MANAGED_BACKOFF): Date {
  return new Date(now.getTime() + retryDelayMs(attempts, policy, random));
}

/** Whether a step that failed before may run again now. */
export function retryDue(nextRetry: Date | null, now: Date): boolean {
  return nextRetry === null || nextRetry.getTime() <= now.getTime();
}
