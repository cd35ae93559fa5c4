import type { StoreMigration } from './store-migration.js';

/**
 * Declarative objects (Owner, Identity, OwnershipRule, Policy, Exception) as JSON with a generation, explicit owner
 * assignments, the ownership last reconciled per certificate (to audit each owner change once), and a small
 * key/value table of governance state (whether the default policies were stored).
 */
export const ownership: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('declared_objects')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('generation', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('declared_objects_pk', ['kind', 'name'])
      .execute();

    await db.schema
      .createTable('owner_assignments')
      .addColumn('fingerprint', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('assigned_by', 'text', (c) => c.notNull())
      .addColumn('assigned_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('certificate_ownership')
      .addColumn('fingerprint', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text')
      .addColumn('identity', 'text')
      .addColumn('source', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('governance_state')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
