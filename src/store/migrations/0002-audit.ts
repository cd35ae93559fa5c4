import { sql } from 'kysely';
import { GENESIS_HASH } from '../../core/audit/audit-event.js';
import type { StoreMigration } from './store-migration.js';

/**
 * The audit hash chain and its head. The head row exists from the start (seq 0 = empty chain) so that PostgreSQL
 * writers can lock it (`SELECT ... FOR UPDATE`) before reading it, and so that removing the newest records shows
 * as a head the chain no longer reaches.
 */
export const audit: StoreMigration = {
  async up(db) {
    await db.schema
      .createTable('audit_events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();

    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into audit_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
  },
};
