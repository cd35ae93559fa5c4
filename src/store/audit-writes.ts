import { chainAuditEvents, canonicalJson } from '../core/audit/audit-chain.js';
import type { AuditEventInput } from '../core/audit/audit-event.js';
import type { StoreContext } from './store-context.js';

/**
 * Links the events onto the chain and writes them with the new head, inside the caller's transaction. PostgreSQL
 * writers lock the head row first (concurrent transactions queue there and each reads the head the one before
 * committed); SQLite write transactions already hold the database's write lock (BEGIN IMMEDIATE).
 */
export async function appendAudit(ctx: StoreContext, events: AuditEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const head = await ctx.db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .$if(ctx.dialect === 'postgres', (query) => query.forUpdate())
    .executeTakeFirstOrThrow();
  const records = chainAuditEvents(head, events);
  const rows = records.map((record) => ({
    seq: record.seq,
    type: record.type,
    actor: record.actor,
    subject: record.subject,
    at: record.at.getTime(),
    // The canonical text is what the hash covers, so the record hashes the same when read back.
    data: canonicalJson(record.data),
    prev_hash: record.prevHash,
    hash: record.hash,
  }));
  await ctx.rows.insertAuditEvents(rows);
  const last = records[records.length - 1] as (typeof records)[number];
  await ctx.db
    .updateTable('audit_head')
    .set({ seq: last.seq, hash: last.hash })
    .where('id', '=', 1)
    .execute();
}
