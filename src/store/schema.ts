import type { Generated } from 'kysely';

/**
 * The tables as Kysely sees them. Rows are not domain objects: the row mappers turn them into StoredCertificate,
 * Location, Sighting, FileState and AuditRecord.
 *
 * Times are integer epoch milliseconds (`bigint`, parsed to number on PostgreSQL): exactly a JavaScript Date's
 * precision, compared and indexed as plain integers, with the same meaning on SQLite (which has no date type) and
 * PostgreSQL (where `timestamptz` would add microseconds and session time zones to reason about). Booleans are
 * bound as 0/1, which SQLite stores as integers and PostgreSQL's boolean input accepts; they read back as 0/1 or
 * false/true. JSON is kept as text so both dialects store exactly the bytes that were hashed or written.
 */
export interface CertificatesTable {
  fingerprint: string;
  der: Uint8Array;
  serial_number: string;
  subject: string;
  issuer: string;
  common_name: string | null;
  /** SubjectAltNames as JSON text. */
  subject_alt_names: string;
  not_before: number;
  not_after: number;
  key_algorithm: string;
  key_size: number | null;
  curve: string | null;
  signature_algorithm: string;
  is_ca: number | boolean;
  path_length: number | null;
  /** extendedKeyUsage OIDs as JSON text, `null` when absent (0020). */
  extended_key_usage: string;
  self_signed: number | boolean;
  spiffe_id: string | null;
  subject_key_id: string | null;
  authority_key_id: string | null;
  public_key_sha256: string;
  version: number;
  first_discovered: number;
}

export interface LocationsTable {
  id: Generated<number>;
  kind: string;
  /** The canonical location key (`locationKey`), unique. */
  key: string;
  /** The whole Location as JSON text. */
  attributes: string;
  /** For file locations: the absolute path (indexed for prefix queries). */
  path: string | null;
  host: string | null;
  port: number | null;
  /** TLS: probes failed in a row since the last one answered (0018). */
  probe_failures: Generated<number>;
  /** TLS: when the current run of failed probes began, or null while it answers. */
  failing_since: number | null;
  /** TLS: the code of the last failed probe (refused, timeout, ...). */
  last_failure: string | null;
}

export interface SightingsTable {
  id: Generated<number>;
  location_id: number;
  object_type: 'certificate' | 'key';
  object_hash: string;
  first_seen: number;
  last_seen: number;
  ended_at: number | null;
  /** Why the sighting ended (0018): replaced, gone, unreachable (...), forgotten; null while open or before 0018. */
  end_reason: string | null;
}

export interface FileStatesTable {
  path: string;
  size: number;
  mtime_ms: number;
  ctime_ms: number;
  inode: number;
  /** Every problem of the file when it was last read, `[{code, message}]` as JSON text (`[]`: none). */
  problems: string;
  /** The digest of the passwords tried, when a problem is a password problem (FileState.passwordsTried), or null. */
  passwords_tried: string | null;
}

export interface AuditEventsTable {
  seq: number;
  type: string;
  actor: string;
  subject: string;
  at: number;
  /** The event's data as canonical JSON text (the same text its hash covers). */
  data: string;
  prev_hash: string;
  hash: string;
  /** HMAC-SHA-256 seal of seq and hash under the audit key (0009-audit-keys). */
  mac: string | null;
}

/** One row (id 1): the last seq and hash, written in the same transaction as every append. seq 0 = empty chain. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** HMAC-SHA-256 seal of seq and hash under the audit key, and which key (0009-audit-keys). */
  mac: string | null;
  key_id: string | null;
}

export interface StoreDatabase {
  certificates: CertificatesTable;
  locations: LocationsTable;
  sightings: SightingsTable;
  file_states: FileStatesTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
}

export type SqlDialectName = 'sqlite' | 'postgres';
