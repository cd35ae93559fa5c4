import type { StoreMigration } from './store-migration.js';

/**
 * The revisions of a managed certificate to revoke once its replacement is verified live (key compromise,
 * ownership change): JSON `[{revision, fingerprintSha256, reason}]`, empty for most.
 */
export const managedRevokeAfter: StoreMigration = {
  async up(db) {
    await db.schema
      .alterTable('managed_status')
      .addColumn('revoke_after', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
  },
};
