import { sql } from 'kysely';
import { columnTypes, type StoreMigration } from './store-migration.js';

/** Certificates, the locations they are found at, the sightings that join the two, and the file scanner's memory. */
export const inventory: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);

    await db.schema
      .createTable('certificates')
      .addColumn('fingerprint', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('der', types.blob, (c) => c.notNull())
      .addColumn('serial_number', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('common_name', 'text')
      .addColumn('subject_alt_names', 'text', (c) => c.notNull())
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('key_algorithm', 'text', (c) => c.notNull())
      .addColumn('key_size', 'integer')
      .addColumn('curve', 'text')
      .addColumn('signature_algorithm', 'text', (c) => c.notNull())
      .addColumn('is_ca', 'boolean', (c) => c.notNull())
      .addColumn('path_length', 'integer')
      .addColumn('self_signed', 'boolean', (c) => c.notNull())
      .addColumn('spiffe_id', 'text')
      .addColumn('subject_key_id', 'text')
      .addColumn('authority_key_id', 'text')
      .addColumn('public_key_sha256', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('first_discovered', 'bigint', (c) => c.notNull())
      .execute();
    // Expiry queries walk this index in the listing order (notAfter, then fingerprint).
    await db.schema
      .createIndex('certificates_not_after')
      .on('certificates')
      .columns(['not_after', 'fingerprint'])
      .execute();
    await db.schema
      .createIndex('certificates_public_key')
      .on('certificates')
      .column('public_key_sha256')
      .execute();

    await db.schema
      .createTable('locations')
      .addColumn('id', types.id, (c) => types.serialId(c))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => types.bytewiseText(c).notNull().unique())
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => types.bytewiseText(c))
      .addColumn('host', 'text')
      .addColumn('port', 'integer')
      .execute();
    await db.schema.createIndex('locations_path').on('locations').column('path').execute();

    await db.schema
      .createTable('sightings')
      .addColumn('id', types.id, (c) => types.serialId(c))
      .addColumn('location_id', 'bigint', (c) => c.notNull().references('locations.id'))
      .addColumn('object_type', 'text', (c) => c.notNull().check(sql`object_type in ('certificate', 'key')`))
      .addColumn('object_hash', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('first_seen', 'bigint', (c) => c.notNull())
      .addColumn('last_seen', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .execute();
    // At most one open sighting of an object at a location; also the lookup of a location's open sightings.
    await db.schema
      .createIndex('sightings_open_at_location')
      .on('sightings')
      .columns(['location_id', 'object_type', 'object_hash'])
      .unique()
      .where(sql.ref('ended_at'), 'is', null)
      .execute();
    // What was at a location at some moment (the history, which the partial index above leaves out).
    await db.schema
      .createIndex('sightings_location')
      .on('sightings')
      .columns(['location_id', 'first_seen'])
      .execute();
    // The sightings of a certificate or key: open ones (ended_at null) first in the index, then the history.
    await db.schema
      .createIndex('sightings_object')
      .on('sightings')
      .columns(['object_hash', 'ended_at'])
      .execute();

    await db.schema
      .createTable('file_states')
      .addColumn('path', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('mtime_ms', 'double precision', (c) => c.notNull())
      .addColumn('ctime_ms', 'double precision', (c) => c.notNull())
      // The inode as Node's stat gives it, a double: 64-bit inode numbers can exceed PostgreSQL's signed bigint.
      .addColumn('inode', 'double precision', (c) => c.notNull())
      .addColumn('problem', 'text')
      .execute();
  },
};
