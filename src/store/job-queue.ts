import { sql, type ExpressionBuilder, type Generated, type Kysely, type Selectable } from 'kysely';
import {
  DEFAULT_MAX_ATTEMPTS,
  type ClaimRequest,
  type Job,
  type JobFailure,
  type JobLease,
  type JobQueue,
  type JobStatus,
  type JobTransaction,
  type JsonValue,
  type NewJob,
} from '../core/ports/job-queue.js';
import type { StoreDatabase } from './schema.js';
import type { StoreEngine } from './store-engine.js';
import { reading, storeFailed } from './store-errors.js';

/** The table of migration 0007-jobs (times in epoch milliseconds, as everywhere in the store). */
export type JobsTable = {
  id: Generated<number>;
  kind: string;
  /** The payload as JSON text. */
  payload: string;
  dedup_key: string | null;
  /** The dedup key while queued or running (unique), null once failed. */
  active_key: string | null;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: number;
  created_at: number;
  worker: string | null;
  lease_until: number | null;
  last_error: string | null;
};

type JobsDb = Kysely<StoreDatabase & { jobs: JobsTable }>;

const tables = (db: Kysely<StoreDatabase>): JobsDb => db.withTables<{ jobs: JobsTable }>();

/** Adds a job unless one with its dedup key is queued or running (the unique active_key refuses it). */
export async function enqueueJob(db: Kysely<StoreDatabase>, job: NewJob, at: Date): Promise<boolean> {
  const inserted = await tables(db)
    .insertInto('jobs')
    .values({
      kind: job.kind,
      payload: JSON.stringify(job.payload),
      dedup_key: job.dedupKey ?? null,
      active_key: job.dedupKey ?? null,
      status: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      run_at: (job.runAt ?? at).getTime(),
      created_at: at.getTime(),
    })
    .onConflict((conflict) => conflict.column('active_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function completeJob(db: Kysely<StoreDatabase>, lease: JobLease): Promise<boolean> {
  const result = await tables(db)
    .deleteFrom('jobs')
    .where((eb) => heldBy(eb, lease))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Queues the job again for its retry, or gives it up (`failed`) when `retryAt` is null. */
export async function failJob(
  db: Kysely<StoreDatabase>,
  lease: JobLease,
  failure: JobFailure,
): Promise<boolean> {
  const result = await tables(db)
    .updateTable('jobs')
    .set(
      failure.retryAt === null
        ? { status: 'failed', active_key: null, lease_until: null, last_error: failure.error }
        : {
            status: 'queued',
            lease_until: null,
            run_at: failure.retryAt.getTime(),
            last_error: failure.error,
          },
    )
    .where((eb) => heldBy(eb, lease))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The job while this lease still holds it. */
function heldBy(eb: ExpressionBuilder<StoreDatabase & { jobs: JobsTable }, 'jobs'>, lease: JobLease) {
  return eb.and([eb('id', '=', lease.id), eb('attempts', '=', lease.attempts), eb('status', '=', 'running')]);
}

/** The JobQueue on the store's database: every write runs in its own write transaction. */
export class KyselyJobQueue implements JobQueue {
  constructor(private readonly engine: StoreEngine) {}

  enqueue(job: NewJob, at: Date): Promise<boolean> {
    return this.write('enqueueing a job', (db) => enqueueJob(db, job, at));
  }

  claim(request: ClaimRequest): Promise<Array<Job & { status: 'running' }>> {
    if (request.kinds.length === 0) return Promise.resolve([]);
    return this.write('claiming jobs', async (db) => {
      const now = request.now.getTime();
      const jobs = tables(db);
      // A job whose worker died on its last attempt is given up once its lease has run out.
      await jobs
        .updateTable('jobs')
        .set({
          status: 'failed',
          active_key: null,
          last_error: sql<string>`'the lease of attempt ' || attempts || ' ran out before its worker finished'`,
        })
        .where('status', '=', 'running')
        .where('lease_until', '<=', now)
        .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
        .execute();
      const due = jobs
        .selectFrom('jobs')
        .select('id')
        .where('kind', 'in', [...request.kinds])
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
            eb.and([eb('status', '=', 'running'), eb('lease_until', '<=', now)]),
          ]),
        )
        .orderBy('run_at')
        .orderBy('id')
        .limit(request.limit ?? 1)
        .$if(this.engine.dialect === 'postgres', (query) => query.forUpdate().skipLocked());
      const rows = await jobs
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          worker: request.worker,
          lease_until: now + request.leaseMs,
        }))
        .where('id', 'in', due)
        .returningAll()
        .execute();
      return rows
        .map((row) => toJob(row) as Job & { status: 'running' })
        .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
    });
  }

  extend(lease: JobLease, until: Date): Promise<boolean> {
    return this.write('extending a job lease', async (db) => {
      const result = await tables(db)
        .updateTable('jobs')
        .set({ lease_until: until.getTime() })
        .where((eb) => heldBy(eb, lease))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    });
  }

  complete(lease: JobLease): Promise<boolean> {
    return this.write('completing a job', (db) => completeJob(db, lease));
  }

  fail(lease: JobLease, failure: JobFailure): Promise<boolean> {
    return this.write('recording a job failure', (db) => failJob(db, lease, failure));
  }

  list(): Promise<Job[]> {
    return reading('listing jobs', async () => {
      const rows = await tables(this.engine.reader)
        .selectFrom('jobs')
        .selectAll()
        .orderBy('run_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => toJob(row));
    });
  }

  private async write<T>(doing: string, work: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    try {
      return await this.engine.writeTransaction(work);
    } catch (error) {
      throw storeFailed(doing, error);
    }
  }
}

/** The jobs part of a store transaction, on its connection. */
export function jobTransaction(
  db: () => Kysely<StoreDatabase>,
  run: <T>(doing: string, operation: () => Promise<T>) => Promise<T>,
): JobTransaction {
  return {
    enqueue: (job, at) => run('enqueueing a job', () => enqueueJob(db(), job, at)),
    complete: (lease) => run('completing a job', () => completeJob(db(), lease)),
    fail: (lease, failure) => run('recording a job failure', () => failJob(db(), lease, failure)),
  };
}

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: Number(row.id),
    kind: row.kind,
    payload: JSON.parse(row.payload) as JsonValue,
    dedupKey: row.dedup_key,
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: new Date(Number(row.run_at)),
    createdAt: new Date(Number(row.created_at)),
    worker: row.worker,
    leaseUntil: row.lease_until === null ? null : new Date(Number(row.lease_until)),
    lastError: row.last_error,
  };
}
