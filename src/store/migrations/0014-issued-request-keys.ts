import type { StoreMigration } from './store-migration.js';

/**
 * The request key a certificate of the built-in CA was issued under (managed certificates: `managed/NAME/N`), so an
 * issuance whose caller crashed before recording it is found again instead of issued twice. Null for the others.
 */
export const issuedRequestKeys: StoreMigration = {
  async up(db) {
    await db.schema.alterTable('issued_certificates').addColumn('request_key', 'text').execute();
    await db.schema
      .createIndex('issued_certificates_request_key')
      .on('issued_certificates')
      .columns(['authority', 'request_key'])
      .execute();
  },
};
