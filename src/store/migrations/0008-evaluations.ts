import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * Each certificate's evaluation (owner, identity, the compliance policies' findings) as last decided by a scan, an
 * apply or an assignment, written in the same transaction as that change, so that listings read it instead of
 * judging every certificate again. A certificate without a row is evaluated when read.
 */
export const evaluations: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('certificate_evaluations')
      .addColumn('fingerprint', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('owner', 'text')
      /** The OwnerSource as JSON text, or null. */
      .addColumn('owner_source', 'text')
      .addColumn('identity', 'text')
      /** The policy findings as JSON text. */
      .addColumn('findings', 'text', (c) => c.notNull())
      .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
