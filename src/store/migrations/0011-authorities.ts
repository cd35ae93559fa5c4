import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * The built-in CA (issue 11): its authorities (where each key lives, as a reference: never the key in clear), the
 * certificates they issued with their revocations, and the CRLs they published (the latest one is served).
 */
export const authorities: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('authorities')
      .addColumn('name', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('key_type', 'text', (c) => c.notNull())
      /** The KeyReference as JSON text (a sealed key or a token object). */
      .addColumn('key_ref', 'text', (c) => c.notNull())
      /** The root's KeyReference as JSON text when Custos holds the root key (rotation signs with it). */
      .addColumn('root_key_ref', 'text')
      .addColumn('certificate', types.blob)
      /** The DER certificates above the issuing one, nearest first, as a JSON array of base64 texts. */
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('csr', types.blob)
      .addColumn('signs_from', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('issued_certificates')
      .addColumn('fingerprint', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('authority', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('serial', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('der', types.blob, (c) => c.notNull())
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('identity', 'text')
      .addColumn('provisioner', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('revocation_reason', 'text')
      .addColumn('invalidity_date', 'bigint')
      .addUniqueConstraint('issued_certificates_serial', ['authority', 'serial'])
      .execute();
    // A CA's CRL lists its revoked certificates.
    await db.schema
      .createIndex('issued_certificates_revoked')
      .on('issued_certificates')
      .columns(['authority', 'revoked_at'])
      .execute();

    await db.schema
      .createTable('crls')
      .addColumn('authority', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('crl_number', 'bigint', (c) => c.notNull())
      .addColumn('this_update', 'bigint', (c) => c.notNull())
      .addColumn('next_update', 'bigint', (c) => c.notNull())
      .addColumn('der', types.blob, (c) => c.notNull())
      .addPrimaryKeyConstraint('crls_pk', ['authority', 'crl_number'])
      .execute();
  },
};
