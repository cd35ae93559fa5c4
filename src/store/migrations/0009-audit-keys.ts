import type { Kysely } from 'kysely';
import { headMacMessage, recordMacMessage } from '../../core/audit/audit-seal.js';
import type { StoreDatabase } from '../schema.js';
import type { StoreMigration } from './store-migration.js';

const PAGE_SIZE = 1000;

/**
 * The keyed audit chain: a MAC column on every record and on the head, and the id of the key that sealed them.
 * Records written before this migration (plain SHA-256 chain) are sealed here, once, with the key in use: from then
 * on every record must carry a valid MAC, so no record can be passed off as an old unsealed one. The seal covers
 * each old record's hash as it stands; a record already edited before the upgrade still fails its hash check, but
 * a chain rewritten and recomputed before the upgrade cannot be told from the original (docs/audit.md).
 */
export const auditKeys: StoreMigration = {
  async up(anyDb, _dialect, { auditKeys: keyring }) {
    const db = anyDb as unknown as Kysely<StoreDatabase>;
    await db.schema.alterTable('audit_events').addColumn('mac', 'text').execute();
    await db.schema.alterTable('audit_head').addColumn('mac', 'text').execute();
    await db.schema.alterTable('audit_head').addColumn('key_id', 'text').execute();
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('audit_events')
        .select(['seq', 'hash'])
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(PAGE_SIZE)
        .execute();
      for (const row of rows) {
        await db
          .updateTable('audit_events')
          .set({ mac: keyring.mac(recordMacMessage(row.seq, row.hash)) })
          .where('seq', '=', row.seq)
          .execute();
      }
      const last = rows[rows.length - 1];
      if (rows.length < PAGE_SIZE || last === undefined) break;
      after = last.seq;
    }
    const head = await db
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst();
    if (head !== undefined) {
      await db
        .updateTable('audit_head')
        .set({ mac: keyring.mac(headMacMessage(head.seq, head.hash)), key_id: keyring.keyId })
        .where('id', '=', 1)
        .execute();
    }
  },
};
