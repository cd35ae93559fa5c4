import type { AnyDeclarativeObject, DeclarativeObject, Kind } from '../declarative/objects.js';
import type { OwnerAssignment, OwnerSource } from '../ownership/resolve-owner.js';
import type { DecisionKey, RecordedDecision } from '../policy/compliance-decisions.js';

/** A declarative object as stored: `generation` counts its changes (1 when created). */
export interface StoredObject<K extends Kind = Kind> {
  object: DeclarativeObject<K>;
  generation: number;
  updatedAt: Date;
  updatedBy: string;
}

/** Who owned a certificate when ownership was last reconciled, so that a change is seen (and audited) once. */
export interface RecordedOwnership {
  fingerprintSha256: string;
  owner: string | null;
  identity: string | null;
  source: OwnerSource | null;
}

export type PutResult = { change: 'created' | 'configured' | 'unchanged'; generation: number };

/** Reads owners, identities, rules, policies, exceptions and assignments (committed data, or the transaction's). */
export interface ObjectsReader {
  /** The stored objects of one kind, by name. */
  list<K extends Kind>(kind: K): Promise<Array<StoredObject<K>>>;
  /** Every explicit owner assignment. */
  assignments(): Promise<OwnerAssignment[]>;
  /** Whether the default policy set has been stored (once, on the first write). */
  defaultsSeeded(): Promise<boolean>;
  /** Ownership as last reconciled, per certificate. */
  recordedOwnerships(): Promise<RecordedOwnership[]>;
  /** Compliance decisions other than pass as last recorded, per certificate and policy: of these certificates, or all. */
  recordedDecisions(fingerprints?: readonly string[]): Promise<RecordedDecision[]>;
}

/** Writes declarative objects and ownership, inside a store transaction (with the audit events that record them). */
export interface ObjectsWriter extends ObjectsReader {
  /** Creates or replaces an object by kind and name; an identical object is left as it is (`unchanged`). */
  put(object: AnyDeclarativeObject, at: Date, by: string): Promise<PutResult>;
  /** Deletes an object by kind and name; false when there was none. */
  remove(kind: Kind, name: string): Promise<boolean>;
  /** Creates or replaces the explicit assignment of a certificate. */
  assign(assignment: OwnerAssignment): Promise<void>;
  markDefaultsSeeded(at: Date): Promise<void>;
  /** Creates or replaces the recorded ownership of these certificates. */
  recordOwnerships(ownerships: RecordedOwnership[], at: Date): Promise<void>;
  /** Creates or replaces the decisions in `set`; removes those in `cleared` (the certificate passes again). */
  recordDecisions(changes: { set: RecordedDecision[]; cleared: DecisionKey[] }, at: Date): Promise<void>;
}
