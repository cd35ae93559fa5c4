import { DomainError } from './errors.js';
import type { CertificateView } from './inventory/certificate-view.js';
import { judgeEntries } from './list-inventory.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';

export interface ShowCertificateDeps {
  store: Store;
  clock: Clock;
}

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

/** One certificate by fingerprint prefix, with its whole sighting history (open and ended) and its findings now. */
export async function showCertificate(
  deps: ShowCertificateDeps,
  input: { prefix: string },
): Promise<CertificateView> {
  const prefix = normaliseFingerprintPrefix(input.prefix);
  const matches = await deps.store.inventory.certificatesByPrefix(prefix, 2);
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
      {
        hint: 'give more hex digits of the fingerprint',
      },
    );
  }
  const [sightings, listed] = await Promise.all([
    deps.store.inventory.sightingsOf(certificate.fingerprintSha256),
    deps.store.inventory.listCertificates({
      fingerprintPrefix: certificate.fingerprintSha256,
      includeRetired: true,
    }),
  ]);
  const certificateSightings = sightings.filter((s) => s.object.type === 'certificate');
  const keySightings = listed[0]?.keySightings ?? [];
  const [view] = await judgeEntries(
    deps.store,
    [{ certificate, sightings: certificateSightings, keySightings }],
    deps.clock.now(),
    {},
  );
  return view as CertificateView;
}
