import type { Clock } from '../ports/clock.js';
import type { Job, JobLease, JobQueue } from '../ports/job-queue.js';
import type { Random } from '../ports/random.js';
import { DEFAULT_BACKOFF, nextAttemptAt, type BackoffPolicy } from './job-backoff.js';

/** What a handler gets with its job: the lease (to complete it inside its own transaction) and a way to extend it. */
export interface JobContext {
  lease: JobLease;
  /** Extends the lease by `leaseMs` from now; false when it was lost (stop: another worker may hold the job). */
  extendLease(): Promise<boolean>;
}

/** Does one job's work. Resolving completes the job; throwing fails this attempt (retried with backoff). */
export type JobHandler = (job: Job, context: JobContext) => Promise<void>;

export interface DrainJobsDeps {
  jobs: JobQueue;
  clock: Clock;
  random: Random;
}

export interface DrainJobsInput {
  /** Who works, as `custos jobs list` shows it (host and process id). */
  worker: string;
  /** One handler per job kind; only jobs of these kinds are claimed. */
  handlers: Readonly<Record<string, JobHandler>>;
  /** How long a claim holds (default 5 minutes); a handler that needs longer extends it. */
  leaseMs?: number;
  backoff?: BackoffPolicy;
  /** Jobs worked on at once (default 1). */
  concurrency?: number;
}

export interface DrainSummary {
  completed: number;
  /** Failed attempts queued again for a later retry. */
  retried: number;
  /** Jobs given up (`failed`) after their last attempt. */
  failed: number;
  /** Failed attempts whose lease had run out meanwhile (another worker may hold the job now). */
  lost: number;
}

export const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * Runs due jobs of the handled kinds until none is due: each is claimed under a lease, handed to its handler, then
 * completed, or failed with exponential backoff and jitter (given up after its maximum attempts). A command calls
 * this to finish durable work that an earlier run left queued (or that it queued itself).
 */
export async function drainJobs(deps: DrainJobsDeps, input: DrainJobsInput): Promise<DrainSummary> {
  const summary: DrainSummary = { completed: 0, retried: 0, failed: 0, lost: 0 };
  const kinds = Object.keys(input.handlers);
  const leaseMs = input.leaseMs ?? DEFAULT_LEASE_MS;
  const worker = async (): Promise<void> => {
    for (;;) {
      const [job] = await deps.jobs.claim({ worker: input.worker, kinds, now: deps.clock.now(), leaseMs });
      if (job === undefined) return;
      const lease: JobLease = { id: job.id, attempts: job.attempts };
      const context: JobContext = {
        lease,
        extendLease: () => deps.jobs.extend(lease, new Date(deps.clock.now().getTime() + leaseMs)),
      };
      let error: string | null = null;
      try {
        await (input.handlers[job.kind] as JobHandler)(job, context);
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      if (error === null) {
        // Removes the job, unless the handler already completed it in its own transaction (with its writes).
        await deps.jobs.complete(lease);
        summary.completed += 1;
        continue;
      }
      const now = deps.clock.now();
      const retryAt = nextAttemptAt(job, now, input.backoff ?? DEFAULT_BACKOFF, deps.random);
      if (!(await deps.jobs.fail(lease, { error, at: now, retryAt }))) summary.lost += 1;
      else if (retryAt === null) summary.failed += 1;
      else summary.retried += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, input.concurrency ?? 1) }, worker));
  return summary;
}
