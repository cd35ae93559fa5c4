import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { AuditHead, AuditRecord } from '../core/audit/audit-event.js';
import type { AuditQuery, AuditReader } from '../core/ports/store.js';
import type { AuditEventsTable, StoreDatabase } from './schema.js';
import { reading } from './store-errors.js';

/** Records per query while streaming: a page at a time, so a chain of millions is verified in little memory. */
const PAGE_SIZE = 1000;

export class KyselyAuditReader implements AuditReader {
  constructor(private readonly db: Kysely<StoreDatabase>) {}

  async *records(options: { since?: Date; afterSeq?: number } = {}): AsyncIterable<AuditRecord> {
    const since = options.since?.getTime();
    let after = options.afterSeq ?? 0;
    for (;;) {
      const rows = await reading('reading the audit log', () => {
        let page = this.db.selectFrom('audit_events').selectAll().where('seq', '>', after);
        if (since !== undefined) page = page.where('at', '>=', since);
        return page.orderBy('seq').limit(PAGE_SIZE).execute();
      });
      for (const row of rows) yield toAuditRecord(row);
      const last = rows[rows.length - 1];
      if (rows.length < PAGE_SIZE || last === undefined) return;
      after = last.seq;
    }
  }

  query(query: AuditQuery): Promise<AuditRecord[]> {
    return reading('querying the audit log', async () => {
      let page = this.db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>', query.afterSeq ?? 0);
      if (query.since !== undefined) page = page.where('at', '>=', query.since.getTime());
      if (query.subject !== undefined) page = page.where('subject', '=', query.subject);
      const { type, ownerScope } = query;
      if (type !== undefined) {
        const below = `${type.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`;
        page = page.where(sql<SqlBool>`(type = ${type} or type like ${below} escape '\\')`);
      }
      if (ownerScope !== undefined)
        page = page.where(
          sql<SqlBool>`subject in (select e.fingerprint from certificate_evaluations e where e.owner = ${ownerScope})`,
        );
      const rows = await page
        .orderBy('seq', query.newest === true ? 'desc' : 'asc')
        .limit(query.limit)
        .execute();
      if (query.newest === true) rows.reverse();
      return rows.map(toAuditRecord);
    });
  }

  head(): Promise<AuditHead | null> {
    return reading('reading the audit head', async () => {
      const row = await this.db
        .selectFrom('audit_head')
        .select(['seq', 'hash', 'mac', 'key_id'])
        .where('id', '=', 1)
        .executeTakeFirst();
      return row === undefined ? null : { seq: row.seq, hash: row.hash, mac: row.mac, keyId: row.key_id };
    });
  }
}

function toAuditRecord(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    seq: row.seq,
    type: row.type,
    actor: row.actor,
    subject: row.subject,
    at: new Date(row.at),
    data: parseData(row.data),
    prevHash: row.prev_hash,
    hash: row.hash,
    mac: row.mac,
  };
}

/**
 * The stored data; text that is no longer JSON (edited by hand) comes back wrapped, so that the record still
 * streams and its hash check reports it as altered instead of the read failing.
 */
function parseData(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unparseable: text };
  }
}
