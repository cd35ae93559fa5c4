import type { ParsedCertificate } from '../pki/x509/parsed-certificate.js';
import { toCertificateRow } from './certificate-rows.js';
import type { StoreContext } from './store-context.js';
import { inValues } from './value-lists.js';

export async function knownCertificates(ctx: StoreContext, fingerprints: string[]): Promise<Set<string>> {
  if (fingerprints.length === 0) return new Set();
  const rows = await ctx.db
    .selectFrom('certificates')
    .select('fingerprint')
    .where(inValues(ctx.dialect, 'fingerprint', [...new Set(fingerprints)]))
    .execute();
  return new Set(rows.map((row) => row.fingerprint));
}

export async function insertCertificates(
  ctx: StoreContext,
  certificates: ParsedCertificate[],
  discoveredAt: number,
): Promise<void> {
  const unique = new Map(certificates.map((certificate) => [certificate.fingerprintSha256, certificate]));
  await ctx.rows.insertCertificates(
    [...unique.values()].map((certificate) => toCertificateRow(certificate, discoveredAt)),
  );
}
