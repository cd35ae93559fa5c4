/** A JSON value, as a job's payload is stored (text) and read back. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * `queued`: waiting for its run-at; `running`: claimed by a worker under a lease; `failed`: given up after its
 * last attempt, kept for inspection. A completed job is removed.
 */
export type JobStatus = 'queued' | 'running' | 'failed';

export interface NewJob {
  /** What the job does, the key of its handler: `notice.deliver`, `evaluate.certificates`. */
  kind: string;
  payload: JsonValue;
  /** Not before this moment (default: the moment it is enqueued). */
  runAt?: Date;
  /** While a job with this key is queued or running, enqueueing another with the same key adds nothing. */
  dedupKey?: string;
  /** Claims before the job is given up as `failed` (default `DEFAULT_MAX_ATTEMPTS`). */
  maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

export interface Job {
  id: number;
  kind: string;
  payload: JsonValue;
  dedupKey: string | null;
  status: JobStatus;
  /** Claims so far (the running one included). */
  attempts: number;
  maxAttempts: number;
  /** When it is due: its first run, or its next retry after a failure. */
  runAt: Date;
  createdAt: Date;
  /** The worker that holds it, or held it last. */
  worker: string | null;
  /** While running: when the lease runs out and another worker may claim it again. */
  leaseUntil: Date | null;
  lastError: string | null;
}

/**
 * One claim of a job: a later claim of the same job (after this lease ran out) has another attempt number, so a
 * worker that lost its lease can no longer extend, complete or fail the job.
 */
export interface JobLease {
  id: number;
  attempts: number;
}

export interface ClaimRequest {
  /** Who claims, shown by `custos jobs list` (host and process id). */
  worker: string;
  /** Only jobs of these kinds (the ones this worker has handlers for). */
  kinds: readonly string[];
  now: Date;
  /** How long the claim holds before another worker may take the job. */
  leaseMs: number;
  /** At most this many jobs (default 1), oldest due first. */
  limit?: number;
}

export interface JobFailure {
  error: string;
  at: Date;
  /** When to try again; null gives the job up (`failed`). */
  retryAt: Date | null;
}

/** Enqueueing, also inside a store transaction: follow-up work commits with the writes that call for it. */
export interface JobEnqueuer {
  /** Adds the job unless one with its dedupKey is queued or running; true when it was added. */
  enqueue(job: NewJob, at: Date): Promise<boolean>;
}

/** The jobs part of a store transaction. */
export interface JobTransaction extends JobEnqueuer {
  /** Removes a job this lease still holds, with the transaction's writes; false when the lease was lost. */
  complete(lease: JobLease): Promise<boolean>;
  /** Records the failure of a job this lease still holds, with the transaction's writes; false when it was lost. */
  fail(lease: JobLease, failure: JobFailure): Promise<boolean>;
}

/**
 * The durable job queue in the store: due jobs are claimed under a lease (PostgreSQL `FOR UPDATE SKIP LOCKED`,
 * SQLite's write lock), so several workers in several processes each take different jobs; a job whose worker died
 * is claimed again once its lease has run out, until its attempts are spent.
 */
export interface JobQueue extends JobEnqueuer {
  /** Claims due jobs: queued ones whose run-at has come, and running ones whose lease ran out. */
  claim(request: ClaimRequest): Promise<Array<Job & { status: 'running' }>>;
  /** Moves the lease's end to `until`; false when the lease was lost (another worker may hold the job). */
  extend(lease: JobLease, until: Date): Promise<boolean>;
  /** Removes the job; false when the lease was lost. */
  complete(lease: JobLease): Promise<boolean>;
  /** Records the failure: queued again for `retryAt`, or `failed` for good; false when the lease was lost. */
  fail(lease: JobLease, failure: JobFailure): Promise<boolean>;
  /** Every job that is queued, running or failed, due first. */
  list(): Promise<Job[]>;
}
