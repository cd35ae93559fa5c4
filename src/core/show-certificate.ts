import { PkiFormatError } from '../pki/problem.js';
import { DomainError } from './errors.js';
import { findCertificateByPrefix } from './inventory/find-by-prefix.js';
import type { CertificateView } from './inventory/certificate-view.js';
import { shownCertificate, type ShownCertificate } from './inventory/shown-certificate.js';
import { judgeEntries } from './list-inventory.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';

export interface ShowCertificateDeps {
  store: Store;
  clock: Clock;
}

/**
 * One certificate by fingerprint prefix, with its whole sighting history (open and ended), its findings now, and
 * what its stored DER says besides (SHA-1 fingerprint, extensions, PEM).
 */
export async function showCertificate(
  deps: ShowCertificateDeps,
  input: { prefix: string },
): Promise<ShownCertificate> {
  const certificate = await findCertificateByPrefix(deps.store.inventory, input.prefix);
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
  try {
    return shownCertificate(view as CertificateView, certificate.der);
  } catch (error) {
    // Every stored DER was read when it was found: one that no longer decodes was changed in the database since.
    if (!(error instanceof PkiFormatError)) throw error;
    throw new DomainError(
      'CUSTOS_STORE_FAILED',
      `The stored DER of certificate ${certificate.fingerprintSha256} does not decode (${error.message}): the database row was changed after the certificate was recorded.`,
      {
        cause: error,
        hint: 'Scan the location it was found at again, and check who can write to the database (custos audit verify).',
      },
    );
  }
}
