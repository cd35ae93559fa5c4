import type { Kysely } from 'kysely';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import type { CertificatesTable } from '../schema.js';
import type { StoreMigration } from './store-migration.js';

/** Certificates read per round trip. */
const BATCH = 500;

/**
 * Names in RFC 4514 order (issue 9): subjects and issuers were stored in the certificate's encoded order
 * (`C=DE, O=Example, CN=api.example`), and are printed the RFC 4514 way from now on, the last RDN first
 * (`CN=api.example, O=Example, C=DE`). Each stored certificate's names are read again from its DER, so that the
 * names written before and after compare equal (issuer lookups match a subject string). A certificate whose DER no
 * longer reads is left as it is.
 */
export const rfc4514Names: StoreMigration = {
  async up(anyDb) {
    const db = anyDb as unknown as Kysely<{ certificates: CertificatesTable }>;
    let after = '';
    for (;;) {
      const rows = await db
        .selectFrom('certificates')
        .select(['fingerprint', 'der', 'subject', 'issuer'])
        .where('fingerprint', '>', after)
        .orderBy('fingerprint')
        .limit(BATCH)
        .execute();
      for (const row of rows) {
        let names: { subject: string; issuer: string };
        try {
          names = parseCertificate(new Uint8Array(row.der.buffer, row.der.byteOffset, row.der.byteLength));
        } catch {
          continue;
        }
        if (names.subject === row.subject && names.issuer === row.issuer) continue;
        await db
          .updateTable('certificates')
          .set({ subject: names.subject, issuer: names.issuer })
          .where('fingerprint', '=', row.fingerprint)
          .execute();
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < BATCH) return;
      after = last.fingerprint;
    }
  },
};
