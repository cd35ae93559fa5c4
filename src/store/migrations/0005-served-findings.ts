import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * What is wrong with what a location serves (an incomplete or misordered chain, a name the certificate does not
 * cover, no path to a trust anchor): findings of the certificate at that location, replaced at every probe.
 */
export const servedFindings: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('served_findings')
      .addColumn('location_key', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('fingerprint', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('observed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('served_findings_pk', ['location_key', 'fingerprint', 'code'])
      .execute();
  },
};
