import type { Kysely } from 'kysely';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import type { StoreMigration } from './store-migration.js';

interface Certificates {
  certificates: {
    fingerprint: string;
    der: Uint8Array;
    is_ca: number | boolean;
    self_signed: number | boolean;
    extended_key_usage: string;
  };
}

/**
 * The extendedKeyUsage OIDs of each certificate (JSON text; `null` when the extension is absent), so a self-signed `CA:TRUE` certificate with a
 * serverAuth/clientAuth purpose is judged an end entity from the stored facts. Rows stored before are filled from
 * their DER where it matters (self-signed CAs, few in any estate); every other row reads as having none, which
 * is what the rules that use it need of a leaf or an intermediate.
 */
export const certificateEku: StoreMigration = {
  async up(db) {
    await db.schema
      .alterTable('certificates')
      .addColumn('extended_key_usage', 'text', (c) => c.notNull().defaultTo('null'))
      .execute();
    const certificates = db as unknown as Kysely<Certificates>;
    const roots = await certificates
      .selectFrom('certificates')
      .select(['fingerprint', 'der'])
      .where('is_ca', '=', 1)
      .where('self_signed', '=', 1)
      .execute();
    for (const row of roots) {
      let purposes: string[] | null;
      try {
        purposes = parseCertificate(new Uint8Array(row.der)).extendedKeyUsage;
      } catch {
        continue; // stored once, unreadable now: it keeps no EKU, as before this column existed
      }
      if (purposes === null) continue;
      await certificates
        .updateTable('certificates')
        .set({ extended_key_usage: JSON.stringify(purposes) })
        .where('fingerprint', '=', row.fingerprint)
        .execute();
    }
  },
};
