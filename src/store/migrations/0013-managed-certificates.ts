import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * Managed certificates: one status row each (conditions, current and previous revision, renewal time, next retry,
 * attempts, the pending issuance, what was deployed and verified) and their revisions, each with its certificate,
 * chain and private key sealed under the secret key (never in clear). Times in epoch milliseconds, JSON as text.
 */
export const managedCertificates: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('managed_status')
      .addColumn('name', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('conditions', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer')
      .addColumn('fingerprint', 'text')
      .addColumn('previous_revision', 'integer')
      .addColumn('renewal_time', 'bigint')
      .addColumn('next_retry', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('renew_requested', 'integer', (c) => c.notNull())
      .addColumn('pending', 'text')
      .addColumn('issued_for', 'text')
      .addColumn('deployed', 'text')
      .addColumn('verified', 'text')
      .addColumn('stale_endpoints', 'text', (c) => c.notNull())
      .addColumn('failed_for', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('managed_revisions')
      .addColumn('name', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('certificate', types.blob, (c) => c.notNull())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('sealed_key', 'text', (c) => c.notNull())
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('managed_revisions_pk', ['name', 'revision'])
      .execute();
    await db.schema
      .createIndex('managed_revisions_fingerprint')
      .on('managed_revisions')
      .column('fingerprint')
      .execute();
  },
};
