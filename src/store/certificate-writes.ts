import type { ParsedCertificate } from '../pki/x509/parsed-certificate.js';
import { toCertificateRow } from './certificate-rows.js';
import { chunked, KEYS_PER_READ, ROWS_PER_SLICE } from './chunks.js';
import type { StoreContext } from './store-context.js';
import { inValues } from './value-lists.js';

/** Which of these certificates are stored; read in slices (a first scan asks about 120,000 at once). */
export async function knownCertificates(ctx: StoreContext, fingerprints: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (const slice of chunked([...new Set(fingerprints)], KEYS_PER_READ)) {
    const rows = await ctx.db
      .selectFrom('certificates')
      .select('fingerprint')
      .where(inValues(ctx.dialect, 'fingerprint', slice))
      .execute();
    for (const row of rows) known.add(row.fingerprint);
  }
  return known;
}

/**
 * The DER of these stored certificates, by fingerprint (unknown fingerprints are left out), read in slices: the
 * evaluation after a first scan of 100,000 files asked for 120,000 DERs in one query, which held the event loop for
 * 2.4-2.6 s (bench/scan-files).
 */
export async function certificateDers(
  ctx: StoreContext,
  fingerprints: string[],
): Promise<Map<string, Uint8Array>> {
  const ders = new Map<string, Uint8Array>();
  for (const slice of chunked([...new Set(fingerprints)], KEYS_PER_READ)) {
    const rows = await ctx.db
      .selectFrom('certificates')
      .select(['fingerprint', 'der'])
      .where(inValues(ctx.dialect, 'fingerprint', slice))
      .execute();
    for (const row of rows)
      ders.set(row.fingerprint, new Uint8Array(row.der.buffer, row.der.byteOffset, row.der.byteLength));
  }
  return ders;
}

export async function insertCertificates(
  ctx: StoreContext,
  certificates: ParsedCertificate[],
  discoveredAt: number,
): Promise<void> {
  const unique = new Map(certificates.map((certificate) => [certificate.fingerprintSha256, certificate]));
  // Rows are made a slice at a time: making the 120,000 rows of a first scan at once held the event loop for 1.5 s.
  for (const slice of chunked([...unique.values()], ROWS_PER_SLICE))
    await ctx.rows.insertCertificates(
      slice.map((certificate) => toCertificateRow(certificate, discoveredAt)),
    );
}
