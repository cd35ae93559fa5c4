import { chainAuditEvents } from '../core/audit/audit-chain.js';
import { canonicalJson } from '../core/audit/canonical-json.js';
import type { AuditEventInput } from '../core/audit/audit-event.js';
import { headMacMessage, macMatches } from '../core/audit/audit-seal.js';
import { DomainError } from '../core/errors.js';
import type { AuditKeyring } from '../core/ports/audit-keyring.js';
import type { StoreContext } from './store-context.js';
import type { AuditHeadTable } from './schema.js';
import { chunked } from './chunks.js';
import { giveTurn } from './event-loop-turns.js';

/** Records chained and written at a time (~10 ms of hashing, sealing and inserting). */
const EVENTS_PER_CHUNK = 500;

/**
 * Links the events onto the chain and writes them with the new head, inside the caller's transaction. PostgreSQL
 * writers lock the head row first (concurrent transactions queue there and each reads the head the one before
 * committed); SQLite write transactions already hold the database's write lock (BEGIN IMMEDIATE). Every record and
 * the new head are sealed with the audit key's MAC.
 */
export async function appendAudit(ctx: StoreContext, events: AuditEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const head = await ctx.db
    .selectFrom('audit_head')
    .select(['seq', 'hash', 'mac', 'key_id'])
    .where('id', '=', 1)
    .$if(ctx.dialect === 'postgres', (query) => query.forUpdate())
    .executeTakeFirst();
  checkHeadBeforeAppend(ctx.auditKeys, head);
  // Chained, sealed and written a chunk at a time, with a turn of the event loop between chunks: a first scan
  // appends two records per certificate, and 200,000 hashes and MACs in one piece block for seconds.
  let last: { seq: number; hash: string } = head;
  for (const chunk of chunked(events, EVENTS_PER_CHUNK)) {
    const records = chainAuditEvents(last, chunk, ctx.auditKeys);
    await ctx.rows.insertAuditEvents(
      records.map((record) => ({
        seq: record.seq,
        type: record.type,
        actor: record.actor,
        subject: record.subject,
        at: record.at.getTime(),
        // The canonical text is what the hash covers, so the record hashes the same when read back.
        data: canonicalJson(record.data),
        prev_hash: record.prevHash,
        hash: record.hash,
        mac: record.mac,
      })),
    );
    last = records[records.length - 1] as (typeof records)[number];
    await giveTurn();
  }
  await ctx.db
    .updateTable('audit_head')
    .set({
      seq: last.seq,
      hash: last.hash,
      mac: ctx.auditKeys.mac(headMacMessage(last.seq, last.hash)),
      key_id: ctx.auditKeys.keyId,
    })
    .where('id', '=', 1)
    .execute();
}

/**
 * Appending fails closed on a head this key did not seal: records appended after a head someone moved back would
 * seal the truncation (the new head's MAC would be valid again), and records sealed by another key (a second
 * instance that made its own key file) would break the chain for whoever holds the first.
 */
function checkHeadBeforeAppend(
  keyring: AuditKeyring,
  head: Pick<AuditHeadTable, 'seq' | 'hash' | 'mac' | 'key_id'> | undefined,
): asserts head is Pick<AuditHeadTable, 'seq' | 'hash' | 'mac' | 'key_id'> {
  const hint =
    'Run `custos audit verify` to see what was changed; nothing is recorded until the head is restored.';
  if (head === undefined) {
    throw new DomainError('CUSTOS_AUDIT_CHAIN_BROKEN', 'The audit head row was deleted.', { hint });
  }
  if (head.key_id !== keyring.keyId) {
    throw new DomainError(
      'CUSTOS_KEY_INVALID',
      `The audit trail is sealed with audit key ${head.key_id ?? '(none)'}, but the key in use is ${keyring.keyId}.`,
      {
        hint: 'Give every Custos instance the same key: CUSTOS_AUDIT_KEY, CUSTOS_AUDIT_KEY_FILE, or the audit.key file of the data directory that first wrote the trail.',
      },
    );
  }
  if (!macMatches(keyring, headMacMessage(head.seq, head.hash), head.mac)) {
    throw new DomainError(
      'CUSTOS_AUDIT_CHAIN_BROKEN',
      `The audit head (record ${head.seq}) was not written by Custos: its MAC does not verify.`,
      { hint },
    );
  }
}
