import type { Finding } from '../findings/finding.js';
import type { KeyPair } from '../key-pairing/key-pairs.js';
import type { CertificateFacts } from '../ports/inventory-store.js';
import type { Location } from './location.js';
import type { Sighting } from './sighting.js';

/**
 * A location as users see it: the location's fields plus when the certificate was seen there, when and why that
 * ended, and, for a TLS location whose last probes failed, since when it has not answered.
 */
export type LocationView = Location & {
  firstSeen: string;
  lastSeen: string;
  endedAt?: string;
  endReason?: string;
  unreachableSince?: string;
  /**
   * A key location only: the certificate files whose key file it is by a layout (same stem, certbot lineage,
   * nginx or Apache configuration), with the layout and the configuration file that pairs them.
   */
  pairedWith?: Array<{ certificatePath: string; layout: KeyPair['layout']; source?: string }>;
};

/**
 * A certificate as `inventory list --json` and the API print it. The field names and forms are a contract
 * (fingerprint lower-case hex without colons, times ISO 8601 UTC, keyAlgorithm as cert-manager names it).
 */
export interface CertificateView {
  fingerprintSha256: string;
  serialNumber: string;
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  keyAlgorithm: string;
  keySize: number | null;
  signatureAlgorithm: string;
  isCA: boolean;
  selfSigned: boolean;
  spiffeId: string | null;
  locations: LocationView[];
  /** Where the private key of this certificate was seen (with the certificate files each is paired with). */
  keyLocations: LocationView[];
  findings: Finding[];
  /** The owner (an Owner name) from an assignment, a rule or the identity; null when unowned. */
  owner: string | null;
  /** The identity the certificate is linked to, or null. */
  identity: string | null;
  /** When its last sighting ended, for a certificate no longer seen anywhere (`--include-retired`); else null. */
  retiredAt: string | null;
}

export function locationView(s: Sighting): LocationView {
  const view: LocationView = {
    ...s.location,
    firstSeen: s.firstSeen.toISOString(),
    lastSeen: s.lastSeen.toISOString(),
  };
  if (s.endedAt) view.endedAt = s.endedAt.toISOString();
  if (s.endReason !== undefined) view.endReason = s.endReason;
  if (s.unreachable !== undefined) view.unreachableSince = s.unreachable.since.toISOString();
  return view;
}

/** A sighting of the certificate's private key, with the certificate files that key file is paired with. */
export function keyLocationView(s: Sighting, pairs: readonly KeyPair[]): LocationView {
  const view = locationView(s);
  const location = s.location;
  if (location.kind !== 'file' || location.k8sSecret !== undefined) return view;
  const paired = pairs.filter((p) => p.keyPath === location.path);
  if (paired.length > 0)
    view.pairedWith = paired.map((p) => ({
      certificatePath: p.certificatePath,
      layout: p.layout,
      ...('source' in p ? { source: p.source } : {}),
    }));
  return view;
}

export function subjectAltNameList(c: Pick<CertificateFacts, 'subjectAltNames'>): string[] {
  const san = c.subjectAltNames;
  return [...san.dns, ...san.ip, ...san.uri, ...san.email];
}

export function certificateView(
  c: CertificateFacts,
  sightings: Sighting[],
  keyLocations: LocationView[],
  findings: Finding[],
  governed: { owner: string | null; identity: string | null } = { owner: null, identity: null },
  at?: Date,
): CertificateView {
  return {
    fingerprintSha256: c.fingerprintSha256,
    serialNumber: c.serialNumber,
    subject: c.subject,
    issuer: c.issuer,
    subjectAltNames: subjectAltNameList(c),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    keyAlgorithm: c.keyAlgorithm,
    keySize: c.keySize,
    signatureAlgorithm: c.signatureAlgorithm,
    isCA: c.isCA,
    selfSigned: c.selfSigned,
    spiffeId: c.spiffeId,
    locations: sightings.map(locationView),
    keyLocations,
    findings,
    owner: governed.owner,
    identity: governed.identity,
    retiredAt: retiredAt(sightings, at),
  };
}

/**
 * The end of the last sighting when every sighting had ended by `at` (default: now), i.e. a certificate no longer
 * seen anywhere; else null.
 */
function retiredAt(sightings: Sighting[], at?: Date): string | null {
  const ended = (s: Sighting): boolean => s.endedAt !== null && (at === undefined || s.endedAt <= at);
  if (sightings.length === 0 || !sightings.every(ended)) return null;
  const last = Math.max(...sightings.map((s) => (s.endedAt as Date).getTime()));
  return new Date(last).toISOString();
}
