import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';
import type { Severity } from '../findings/finding.js';
import type { ConfiguredKeyPair } from '../key-pairing/key-pairs.js';
import type { Location, LocationKind } from '../inventory/location.js';
import type { LocationUnreachable, SightedObject, Sighting } from '../inventory/sighting.js';

/** A certificate as the store keeps it: the parsed fields (with its DER) and when Custos first learnt of it. */
export interface StoredCertificate extends ParsedCertificate {
  firstDiscovered: Date;
}

/** What the file scanner remembers of a file so that an unchanged file is not read again. */
export interface FileState {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  inode: number;
  /** The problems the file had when it was last read (all of them), reported again while it stays unchanged. */
  problems: Array<{ code: string; message: string }>;
  /**
   * When one of those problems is a password problem (src/core/scan/passwords-tried.ts): the digest of the set of
   * passwords tried when it was read (`passwordSetDigest`, never the passwords), else null.
   */
  passwordsTried: string | null;
}

/** Which certificates to list. All filters combine with AND. */
export interface CertificateQuery {
  /** Only certificates whose notAfter is at or before this time. */
  notAfterBefore?: Date;
  /** Only these certificates (lower-case hex fingerprints). */
  fingerprints?: readonly string[];
  /** Only certificates whose fingerprint starts with this lower-case hex prefix. */
  fingerprintPrefix?: string;
  /**
   * The moment the inventory is seen at: only certificates with a sighting open at that moment (firstSeen <= at and
   * not ended by then), and only those sightings. Absent: the sightings open now.
   */
  at?: Date;
  /** Also list certificates that are no longer sighted anywhere (with their ended sightings). */
  includeRetired?: boolean;
  /** At most this many, in the order of `sort` (default: notAfter then fingerprint). */
  limit?: number;
  /** The listing's order; ties are broken by fingerprint in the same direction. */
  sort?: InventorySort;
  /** Only certificates after this position in the listing's order (keyset pagination). */
  after?: InventoryPosition;
  /** Only certificates whose stored evaluation names this owner. */
  owner?: string;
  /** Only certificates whose stored evaluation names no owner (or that have none). */
  unowned?: boolean;
  /** Only certificates whose stored evaluation links one of these identities. */
  identities?: readonly string[];
  /** Only certificates whose stored evaluation has a policy finding with this code. */
  policyFinding?: string;
  /** Only certificates with an open sighting at a location of this kind. */
  locationKind?: LocationKind;
  /** Only certificates with a sighting (open at the moment listed) at one of these locations (by key). */
  locationKeys?: readonly string[];
  /** Only certificates whose subject or a subject alternative name contains this text (case-insensitive),
   * whose fingerprint starts with it, or whose stored owner is it. */
  search?: string;
}

/** The orders a listing can take: by notAfter, subject or owner (unowned first); a leading `-` reverses one. */
export const INVENTORY_SORTS = ['notAfter', '-notAfter', 'subject', '-subject', 'owner', '-owner'] as const;
export type InventorySort = (typeof INVENTORY_SORTS)[number];

/** Where an entry stands in a listing: its sort key (notAfter in epoch ms, subject, owner or '') and fingerprint. */
export interface InventoryPosition {
  key: number | string;
  fingerprint: string;
}

/**
 * A certificate's fields without its DER, as listings carry it: reading the DER blobs of tens of thousands of
 * certificates cost 2-3x the rest of a listing (bench/inventory-query), and no listing needs them.
 */
export type CertificateFacts = Omit<StoredCertificate, 'der'>;

/** A certificate with the sightings that answer the query (certificate sightings only, ordered by location key). */
export interface InventoryEntry {
  certificate: CertificateFacts;
  sightings: Sighting[];
  /** Sightings, open at the same moment, of private keys whose public key is this certificate's. */
  keySightings: Sighting[];
  /** Where the entry stands in the listing's order (set by `listCertificates`). */
  position?: InventoryPosition;
}

/** A finding about what a location serves (a TLS endpoint's chain, the name it was reached by), for one certificate. */
export interface ServedFinding {
  locationKey: string;
  /** The certificate the location served as its leaf. */
  fingerprintSha256: string;
  code: string;
  severity: Severity;
  message: string;
}

/** A location's current run of failed probes (scan tls): how many in a row, since when, the last code. */
export interface ProbeFailureState extends LocationUnreachable {
  locationKey: string;
}

/** Which locations `locations list` shows (all filters combine with AND). */
export interface LocationQuery {
  kind?: LocationKind;
  /** Only locations whose last probes failed. */
  unreachable?: boolean;
  /** Only these locations (by key). */
  keys?: readonly string[];
}

/** A location with something sighted there now. */
export interface LocationSummary {
  locationKey: string;
  location: Location;
  /** Open certificate and key sightings there. */
  certificates: number;
  keys: number;
  /** The earliest firstSeen and latest lastSeen of its open sightings. */
  firstSeen: Date;
  lastSeen: Date;
  unreachable?: LocationUnreachable;
}

/** Inventory changes inside a store transaction (`tx.inventory`): nothing is visible until it commits. */
export interface InventoryWriter {
  /** `store.inventory.listCertificates`, seeing what the transaction wrote. */
  listCertificates(query: CertificateQuery): Promise<InventoryEntry[]>;
  /** Of these fingerprints, the ones already stored. */
  knownCertificates(fingerprints: string[]): Promise<Set<string>>;
  /** The DER of these stored certificates by fingerprint (unknown ones left out): what the lints read. */
  certificateDers(fingerprints: string[]): Promise<Map<string, Uint8Array>>;
  /** Stores new certificates (fingerprints not yet stored; a stored one is left as it is). */
  insertCertificates(certificates: ParsedCertificate[], discoveredAt: Date): Promise<void>;
  /** Open sightings (certificates and keys) at locations of this kind whose path is one of the roots or below one. */
  openFileSightingsUnder(roots: string[]): Promise<Sighting[]>;
  /** Open sightings at these exact locations (by key). */
  openSightingsAt(locationKeys: string[]): Promise<Sighting[]>;
  /** Starts sightings: creates the location if it is new, then a sighting with firstSeen = lastSeen = at. */
  startSightings(sightings: Array<{ location: Location; object: SightedObject }>, at: Date): Promise<void>;
  /** Sets lastSeen = at on the open sightings of these objects at these locations. */
  touchSightings(sightings: Array<{ locationKey: string; object: SightedObject }>, at: Date): Promise<void>;
  /** Sets lastSeen = at on every open sighting at these locations (an unchanged file: all it held is still there). */
  touchOpenSightingsAt(locationKeys: string[], at: Date): Promise<void>;
  /** Ends the open sightings of these objects at these locations (endedAt = at, with why; history kept). */
  endSightings(
    sightings: Array<{ locationKey: string; object: SightedObject }>,
    at: Date,
    reason: string,
  ): Promise<void>;
  /** Counts a failed probe at each of these locations; the run of failures each sighted one is now in. */
  recordProbeFailures(
    failures: Array<{ locationKey: string; code: string }>,
    at: Date,
  ): Promise<ProbeFailureState[]>;
  /** Ends the run of failed probes of these locations (they answered, or were forgotten). */
  clearProbeFailures(locationKeys: string[]): Promise<void>;
  /** File states of files under the roots (as `openFileSightingsUnder`). */
  fileStatesUnder(roots: string[]): Promise<FileState[]>;
  /** Replaces the served findings of these locations (all of them, for every certificate) by `findings`. */
  replaceServedFindings(locationKeys: string[], findings: ServedFinding[], at: Date): Promise<void>;
  /** Creates or replaces the states of these files. */
  putFileStates(states: FileState[]): Promise<void>;
  /** Forgets the states of these files (they are gone). */
  deleteFileStates(paths: string[]): Promise<void>;
  /**
   * Replaces the certificate-key pairs declared by these configuration files (read again, or gone) by `pairs`: the
   * pairs of an unchanged file stay as they were.
   */
  replaceConfiguredKeyPairs(sources: string[], pairs: ConfiguredKeyPair[]): Promise<void>;
}

/** Inventory queries on committed data (`store.inventory`). */
export interface InventoryReader {
  listCertificates(query: CertificateQuery): Promise<InventoryEntry[]>;
  /** The DER of every stored CA certificate that is not self-signed: the intermediates a served chain may lack. */
  intermediateCertificates(): Promise<Uint8Array[]>;
  /** Stored certificates whose fingerprint starts with the prefix (at most `limit`, default 2). */
  certificatesByPrefix(prefix: string, limit?: number): Promise<StoredCertificate[]>;
  /** Stored certificates whose subject is exactly this one (at most `limit`, default 10): the candidate issuers. */
  certificatesWithSubject(subject: string, limit?: number): Promise<CertificateFacts[]>;
  /** Every open sighting (certificates and keys, at every location), for `audit verify --state`. */
  openSightings(): Promise<Sighting[]>;
  /** The full sighting history (open and ended) of one certificate. */
  sightingsOf(fingerprint: string): Promise<Sighting[]>;
  /**
   * Key sightings at these locations: open now, or (with `at`) open at that moment. Used to tell a certificate
   * whose private key beside it is another one (`key-mismatch`).
   */
  keySightingsAt(locationKeys: string[], at?: Date): Promise<Sighting[]>;
  /** The paths of the files a scan read (their file states) at or under these roots. */
  filePathsUnder(roots: string[]): Promise<string[]>;
  /** The certificate-key pairs web server configurations declare for these certificate files (absolute paths). */
  configuredKeyPairs(certificatePaths: string[]): Promise<ConfiguredKeyPair[]>;
  /** The findings last recorded about what these locations serve. */
  servedFindingsAt(locationKeys: string[]): Promise<ServedFinding[]>;
  /** Locations with an open sighting, ordered by key. */
  listLocations(query: LocationQuery): Promise<LocationSummary[]>;
  countCertificates(): Promise<number>;
  /** Counts of open sightings by location kind. */
  countLocations(): Promise<Record<LocationKind, number>>;
  /** Files whose last read failed (unreadable, broken, password unknown), each with the code of its first problem. */
  fileProblems(): Promise<Array<{ path: string; code: string }>>;
}
