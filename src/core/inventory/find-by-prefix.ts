import { DomainError } from '../errors.js';
import type { InventoryReader, StoredCertificate } from '../ports/inventory-store.js';

/** Normalises a fingerprint prefix as users paste it (upper case, with colons as openssl prints it). */
export function normaliseFingerprintPrefix(input: string): string {
  const prefix = input.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{4,64}$/.test(prefix)) {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `"${input}" is not a SHA-256 fingerprint prefix`, {
      hint: 'give at least 4 hex digits of the fingerprint, as `custos inventory list` prints it',
    });
  }
  return prefix;
}

/**
 * The one stored certificate whose fingerprint starts with what the user typed: CUSTOS_NOT_FOUND when none does,
 * CUSTOS_AMBIGUOUS_PREFIX when several do.
 */
export async function findCertificateByPrefix(
  inventory: Pick<InventoryReader, 'certificatesByPrefix'>,
  input: string,
): Promise<StoredCertificate> {
  const prefix = normaliseFingerprintPrefix(input);
  const matches = await inventory.certificatesByPrefix(prefix, 2);
  const [certificate] = matches;
  if (certificate === undefined) {
    throw new DomainError('CUSTOS_NOT_FOUND', `no certificate has a fingerprint starting with ${prefix}`, {
      hint: 'list fingerprints with `custos inventory list --include-retired`',
    });
  }
  if (matches.length > 1) {
    throw new DomainError(
      'CUSTOS_AMBIGUOUS_PREFIX',
      `more than one certificate has a fingerprint starting with ${prefix}`,
      { hint: 'give more hex digits of the fingerprint' },
    );
  }
  return certificate;
}
