import { sql } from 'kysely';
import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * The certificate and key files a web server's configuration pairs (nginx `ssl_certificate` /
 * `ssl_certificate_key`, Apache `SSLCertificateFile` / `SSLCertificateKeyFile`), by the configuration file that
 * declares them: kept while that file is unchanged (it is not read again), replaced when it is read, dropped when it
 * is gone. A certificate whose paired key file holds another key is a `key-mismatch`.
 *
 * The files scanned before are forgotten as read (their `file_states`), so the next scan reads every file once
 * again: a configuration unchanged since then would otherwise never be read for the pairs it declares. Sightings and
 * history are kept; only the unchanged-file shortcut starts over.
 */
export const configuredKeyPairs: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('configured_key_pairs')
      .addColumn('source_path', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('certificate_path', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('key_path', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('layout', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('configured_key_pairs_pk', ['source_path', 'certificate_path', 'key_path'])
      .execute();
    await db.schema
      .createIndex('configured_key_pairs_certificate')
      .on('configured_key_pairs')
      .column('certificate_path')
      .execute();
    await sql`delete from file_states`.execute(db);
  },
};
