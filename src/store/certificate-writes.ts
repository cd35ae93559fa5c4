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

/** The DER of these stored certificates, by fingerprint (unknown fingerprints are left out). */
export async function certificateDers(
  ctx: StoreContext,
  fingerprints: string[],
): Promise<Map<string, Uint8Array>> {
  if (fingerprints.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('certificates')
    .select(['fingerprint', 'der'])
    .where(inValues(ctx.dialect, 'fingerprint', [...new Set(fingerprints)]))
    .execute();
  return new Map(
    rows.map((row) => [
      row.fingerprint,
      new Uint8Array(row.der.buffer, row.der.byteOffset, row.der.byteLength),
    ]),
  );
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
