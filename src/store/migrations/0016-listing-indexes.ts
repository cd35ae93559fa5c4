import type { StoreMigration } from './store-migration.js';

/**
 * Indexes for the API's inventory pages (keyset pagination): by subject, and the stored evaluations by owner and by
 * identity, so an owner's first page or an owner-bound token's listing does not read every evaluation; the audit
 * trail by subject, for a certificate's page.
 */
export const listingIndexes: StoreMigration = {
  async up(db) {
    await db.schema
      .createIndex('certificates_subject')
      .on('certificates')
      .columns(['subject', 'fingerprint'])
      .execute();
    await db.schema
      .createIndex('certificate_evaluations_owner')
      .on('certificate_evaluations')
      .columns(['owner', 'fingerprint'])
      .execute();
    await db.schema
      .createIndex('certificate_evaluations_identity')
      .on('certificate_evaluations')
      .column('identity')
      .execute();
    await db.schema
      .createIndex('audit_events_subject')
      .on('audit_events')
      .columns(['subject', 'seq'])
      .execute();
  },
};
