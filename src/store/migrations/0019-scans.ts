import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * Scans started through the API (`POST /v1/scans`): the request, progress and result of each, kept after its
 * `scan.run` job completes (a completed job is removed) so `GET /v1/scans/{id}` answers later and after a restart.
 */
export const scans: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('scans')
      .addColumn('id', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('progress', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('error', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .execute();
    // `GET /v1/scans` lists the newest first.
    await db.schema.createIndex('scans_created').on('scans').columns(['created_at', 'id']).execute();
  },
};
