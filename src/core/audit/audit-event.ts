/**
 * An append-only, hash-chained record of a change or lifecycle step. `seq` numbers records 1, 2, 3, ... with no
 * gaps; `prevHash` is the `hash` of record seq-1 (GENESIS_HASH for the first); `hash` covers every other field
 * except `mac`, which seals `seq` and `hash` under a key kept outside the database.
 */
export interface AuditEventInput {
  /** What happened, dotted: `certificate.discovered`, `sighting.started`, `sighting.ended`, `scan.completed`, ... */
  type: string;
  /** Who or what did it: `cli:root`, `scanner:files`, `api:token-name`. */
  actor: string;
  /** What it is about: a fingerprint, a location key, an object name. */
  subject: string;
  at: Date;
  /** What changed, as JSON. */
  data: Record<string, unknown>;
}

export interface AuditRecord extends AuditEventInput {
  seq: number;
  prevHash: string;
  hash: string;
  /** HMAC-SHA-256 of recordMacMessage(seq, hash) under the audit key (audit-seal.ts); null when the row has none. */
  mac: string | null;
}

/** The head row: the last record's seq and hash, with its own MAC (headMacMessage) and the id of the sealing key. */
export interface AuditHead {
  seq: number;
  hash: string;
  mac: string | null;
  keyId: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);
