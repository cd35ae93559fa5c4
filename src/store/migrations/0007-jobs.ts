import { sql } from 'kysely';
import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * The job queue. `active_key` is the dedup key while the job is queued or running (null once it has failed), so a
 * plain unique index refuses a second live job with the same key while any number of failed ones stay for
 * inspection. Claims look for due queued jobs by run_at and for running jobs whose lease ran out.
 */
export const jobs: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('jobs')
      .addColumn('id', types.id, (c) => types.serialId(c))
      .addColumn('kind', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('dedup_key', 'text')
      .addColumn('active_key', 'text', (c) => types.bytewiseText(c).unique())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'failed')`))
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('worker', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at', 'id']).execute();
    await db.schema.createIndex('jobs_lease').on('jobs').columns(['status', 'lease_until']).execute();
  },
};
