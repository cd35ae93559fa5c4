import type { StoreMigration } from './store-migration.js';

/**
 * A TLS location that stops answering: how many probes in a row failed, since when, and with what code (reset by
 * the next probe that is answered), so its sightings end once it has failed long enough. A sighting's end keeps
 * why it ended (replaced, gone, unreachable, forgotten).
 */
export const locationReachability: StoreMigration = {
  async up(db) {
    await db.schema
      .alterTable('locations')
      .addColumn('probe_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('locations').addColumn('failing_since', 'bigint').execute();
    await db.schema.alterTable('locations').addColumn('last_failure', 'text').execute();
    await db.schema.alterTable('sightings').addColumn('end_reason', 'text').execute();
  },
};
