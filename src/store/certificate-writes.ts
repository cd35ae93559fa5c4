import type { ParsedCertificate } from '../pki/x509/parsed-certificate.js';
import { CERTIFICATE_COLUMNS, toCertificateRow } from './certificate-rows.js';
import { chunked, inListSize, rowsPerInsert } from './chunks.js';
import type { StoreContext } from './store-context.js';

export async function knownCertificates(ctx: StoreContext, fingerprints: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (const chunk of chunked([...new Set(fingerprints)], inListSize(ctx.maxParameters))) {
    const rows = await ctx.db
      .selectFrom('certificates')
      .select('fingerprint')
      .where('fingerprint', 'in', chunk)
      .execute();
    for (const row of rows) known.add(row.fingerprint);
  }
  return known;
}

export async function insertCertificates(
  ctx: StoreContext,
  certificates: ParsedCertificate[],
  discoveredAt: number,
): Promise<void> {
  const unique = new Map(certificates.map((certificate) => [certificate.fingerprintSha256, certificate]));
  const rows = [...unique.values()].map((certificate) => toCertificateRow(certificate, discoveredAt));
  for (const chunk of chunked(rows, rowsPerInsert(ctx.maxParameters, CERTIFICATE_COLUMNS))) {
    await ctx.db
      .insertInto('certificates')
      .values(chunk)
      .onConflict((conflict) => conflict.column('fingerprint').doNothing())
      .execute();
  }
}
