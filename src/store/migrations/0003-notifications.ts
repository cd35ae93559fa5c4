import { sql } from 'kysely';
import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * The delivery log (one row per notice key: a notice is about one subject, for one reason, to one contact, at one
 * escalation level) and the acknowledgements that stop escalation.
 */
export const notifications: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('notice_deliveries')
      .addColumn('key', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('subject', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('contact_key', 'text', (c) => c.notNull())
      .addColumn('contact', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('sent', 'failed')`))
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('first_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    // The contract the key encodes, held by the database too: one notice per subject, reason, contact and level.
    await db.schema
      .createIndex('notice_deliveries_notice')
      .on('notice_deliveries')
      .columns(['subject', 'reason', 'contact_key', 'level'])
      .unique()
      .execute();
    await db.schema
      .createIndex('notice_deliveries_first_attempt')
      .on('notice_deliveries')
      .columns(['first_attempt_at', 'key'])
      .execute();

    await db.schema
      .createTable('notice_acknowledgements')
      .addColumn('id', types.id, (c) => types.serialId(c))
      .addColumn('fingerprint', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('acknowledged_by', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notice_acknowledgements_fingerprint')
      .on('notice_acknowledgements')
      .columns(['fingerprint', 'at'])
      .execute();
  },
};
