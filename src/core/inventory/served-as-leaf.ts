import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';
import type { InventoryEntry, InventoryReader } from '../ports/inventory-store.js';
import type { Sighting } from './sighting.js';

type Names = Pick<ParsedCertificate, 'subject' | 'issuer' | 'subjectKeyId' | 'authorityKeyId'>;

/** Whether `child` names `issuer` as its issuer: the same name and, where both carry one, the same key identifier. */
const issuedBy = (child: Names, issuer: Names): boolean =>
  child.issuer === issuer.subject &&
  (child.authorityKeyId === null ||
    issuer.subjectKeyId === null ||
    child.authorityKeyId === issuer.subjectKeyId);

const servedKey = (fingerprint: string, locationKey: string): string => `${fingerprint}\u0000${locationKey}`;

/**
 * Where a TLS endpoint serves a certificate as its own (the leaf), not as the root of the chain it sends after the
 * leaf. A self-signed CA certificate served at an endpoint is in use as an end entity (`self-signed`) only when no
 * other certificate served there is an end entity or names it as issuer: many servers send their root along with
 * the chain (sometimes without the intermediate), and that root is no leaf. Only self-signed CA certificates are looked at (a certificate of any other kind is a leaf or not
 * by its basicConstraints alone), so a listing reads the certificates of their endpoints only when there are some.
 */
export async function servedAsLeaf(
  inventory: Pick<InventoryReader, 'listCertificates'>,
  entries: readonly InventoryEntry[],
  considered: (sighting: Sighting) => boolean,
  at: Date | undefined,
): Promise<(entry: InventoryEntry) => boolean> {
  const tlsSightings = (entry: InventoryEntry): Sighting[] =>
    entry.sightings.filter((s) => s.location.kind === 'tls' && considered(s));
  const roots = entries.filter(
    (e) => e.certificate.isCA && e.certificate.selfSigned && tlsSightings(e).length > 0,
  );
  const asRoot = new Set<string>();
  if (roots.length > 0) {
    const locationKeys = [...new Set(roots.flatMap((e) => tlsSightings(e).map((s) => s.locationKey)))];
    const served = await inventory.listCertificates({ at, locationKeys });
    for (const root of roots) {
      const fingerprint = root.certificate.fingerprintSha256;
      for (const sighting of tlsSightings(root)) {
        // An endpoint has one leaf: an end-entity certificate served there is it (whether or not the server sent
        // the intermediate between the two), and so is a certificate below this one.
        const below = served.some(
          (other) =>
            other.certificate.fingerprintSha256 !== fingerprint &&
            (!other.certificate.isCA || issuedBy(other.certificate, root.certificate)) &&
            other.sightings.some((s) => s.locationKey === sighting.locationKey && considered(s)),
        );
        if (below) asRoot.add(servedKey(fingerprint, sighting.locationKey));
      }
    }
  }
  return (entry) =>
    tlsSightings(entry).some(
      (s) => !asRoot.has(servedKey(entry.certificate.fingerprintSha256, s.locationKey)),
    );
}
