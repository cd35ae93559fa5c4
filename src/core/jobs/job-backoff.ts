import type { Random } from '../ports/random.js';

/** How long a failed job waits before its next attempt: doubling from `baseMs`, never more than `maxMs`. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 60 * 60_000 };

/**
 * The wait after failed attempt `attempt` (1 for the first): `baseMs * 2^(attempt-1)` capped at `maxMs`, of which
 * a random half is taken off ("equal jitter"), so workers that failed together do not all retry at one moment.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: Random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random.float());
}

/** When a job that just failed its `attempts`-th attempt runs again, or null when it has no attempts left. */
export function nextAttemptAt(
  job: { attempts: number; maxAttempts: number },
  now: Date,
  policy: BackoffPolicy,
  random: Random,
): Date | null {
  if (job.attempts >= job.maxAttempts) return null;
  return new Date(now.getTime() + retryDelayMs(job.attempts, policy, random));
}
