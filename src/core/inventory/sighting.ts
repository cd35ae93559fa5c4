import type { Location } from './location.js';

/** What was seen at a location: a certificate (by fingerprint) or a private key (by the hash of its public key). */
export type SightedObject =
  { type: 'certificate'; fingerprintSha256: string } | { type: 'key'; publicKeySha256: string };

export function sightedObjectHash(object: SightedObject): string {
  return object.type === 'certificate' ? object.fingerprintSha256 : object.publicKeySha256;
}

/**
 * A certificate or key seen at a location, from firstSeen to lastSeen. A sighting whose object is no longer at the
 * location is ended (`endedAt` set), never deleted: the history answers "what was installed where at time T".
 */
export interface Sighting {
  location: Location;
  locationKey: string;
  object: SightedObject;
  firstSeen: Date;
  lastSeen: Date;
  endedAt: Date | null;
  /** Why it ended (replaced, gone, unreachable ..., forgotten), when it has and the reason was recorded. */
  endReason?: string;
  /** A TLS location whose last probes failed: since when, how many in a row, and the last failure's code. */
  unreachable?: LocationUnreachable;
}

/** A location that stopped answering: its sightings stay open until it has failed long enough (scan.tls.endAfter). */
export interface LocationUnreachable {
  since: Date;
  probes: number;
  code: string;
}
