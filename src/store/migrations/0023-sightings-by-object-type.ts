import type { StoreMigration } from './store-migration.js';

/**
 * The sightings of an object by (object_hash, object_type, ended_at) instead of (object_hash, ended_at): a listing
 * asks whether each certificate has an open sighting (`object_type = 'certificate'`), and without the type in the
 * index every answer read the sighting's row. bench/inventory-query at 1,000,000 certificates: that test for the
 * 41,000 certificates expiring within 30 days took 436 ms, 223 ms with the type in the index. The index replaces the
 * old one (every query of the old one still finds its prefix), so a sighting's insert still updates one index.
 */
export const sightingsByObjectType: StoreMigration = {
  async up(db) {
    await db.schema.dropIndex('sightings_object').execute();
    await db.schema
      .createIndex('sightings_object_type')
      .on('sightings')
      .columns(['object_hash', 'object_type', 'ended_at'])
      .execute();
  },
};
