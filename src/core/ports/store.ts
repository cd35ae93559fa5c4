import type { AuditEventInput, AuditHead, AuditRecord } from '../audit/audit-event.js';
import type { AuthorityReader, AuthorityWriter } from './authority-store.js';
import type { BootstrapTokenReader, BootstrapTokenWriter } from './bootstrap-token-store.js';
import type { CredentialReader, CredentialWriter } from './credential-store.js';
import type { EvaluationReader, EvaluationWriter } from './evaluation-store.js';
import type { InventoryStatistics } from './inventory-statistics.js';
import type { InventoryReader, InventoryWriter } from './inventory-store.js';
import type { JobQueue, JobTransaction } from './job-queue.js';
import type { ManagedReader, ManagedWriter } from './managed-store.js';
import type { NotificationLogReader, NotificationLogWriter } from './notification-log.js';
import type { ObjectsReader, ObjectsWriter } from './objects-store.js';
import type { ScanReader, ScanWriter } from './scan-store.js';

/** Changes made inside one transaction. Every method writes nothing visible until the transaction commits. */
export interface StoreTransaction {
  /** Certificates, locations, sightings, file states and served findings. */
  readonly inventory: InventoryWriter;
  /**
   * Appends events to the audit chain, linking them to the current head under a lock so that concurrent writers
   * (several `custos serve` on one PostgreSQL) keep one unbroken chain. A failure fails the whole transaction.
   */
  appendAudit(events: AuditEventInput[]): Promise<void>;
  /** The delivery log and acknowledgements of notifications. */
  readonly notifications: NotificationLogWriter;
  /** Declarative objects, owner assignments and recorded ownership. */
  readonly objects: ObjectsWriter;
  /** Follow-up work enqueued with this transaction's writes; a claimed job completed with them. */
  readonly jobs: JobTransaction;
  /** Each certificate's stored evaluation (owner, identity, policy findings). */
  readonly evaluations: EvaluationWriter;
  /** The built-in CA's authorities, issued certificates, revocations and CRLs. */
  readonly authorities: AuthorityWriter;
  /** Managed certificates' status and revisions. */
  readonly managed: ManagedWriter;
  /** One-time bootstrap tokens (hashes only): created by `token bootstrap`, consumed once when redeemed. */
  readonly bootstrapTokens: BootstrapTokenWriter;
  /** The server's credentials (hashes only): API tokens, dashboard sessions, login codes; once-only markers. */
  readonly credentials: CredentialWriter;
  /** Scans started through the API: request, progress, result. */
  readonly scans: ScanWriter;
  /**
   * Lets the process's other work run (timers, requests) when the work since the last turn was long; returns at
   * once otherwise. A use case calls it between slices of a long loop inside the transaction (evaluating 100,000
   * certificates), so that a server stays responsive while a large scan commits.
   */
  giveTurn(): Promise<void>;
}

/** Which audit records a query answers (all filters combine with AND). */
export interface AuditQuery {
  /** Only records at or after this time. */
  since?: Date;
  /** Only records of this type, or of a type below it (`certificate` matches `certificate.discovered`). */
  type?: string;
  /** Only records about this subject (a fingerprint, a location key, an object name). */
  subject?: string;
  /** Only records about certificates whose stored evaluation names this owner. */
  ownerScope?: string;
  /** Only records after this seq (the previous page's last). */
  afterSeq?: number;
  /** At most this many, in `seq` order (newest last). */
  limit: number;
  /** The newest `limit` records (still answered oldest first) instead of the first ones. */
  newest?: boolean;
}

export interface AuditReader {
  /**
   * Records in `seq` order, streamed in pages, optionally only those at or after `since`, after `afterSeq`, or of
   * these `types` (the metrics read only the lifecycle steps they count).
   */
  records(options?: {
    since?: Date;
    afterSeq?: number;
    types?: readonly string[];
  }): AsyncIterable<AuditRecord>;
  /** One page of the records a query answers, in `seq` order. */
  query(query: AuditQuery): Promise<AuditRecord[]>;
  /**
   * The head written alongside the chain (the last seq and hash, seq 0 for an empty chain, with its MAC), to catch
   * removal of the newest records; null when the head row itself is gone.
   */
  head(): Promise<AuditHead | null>;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly inventory: InventoryReader;
  /** Counts and timelines over the inventory, aggregated by the database. */
  readonly statistics: InventoryStatistics;
  readonly audit: AuditReader;
  readonly notifications: NotificationLogReader;
  readonly objects: ObjectsReader;
  /** The durable job queue: claims with leases, retries with backoff. */
  readonly jobs: JobQueue;
  readonly evaluations: EvaluationReader;
  /** The built-in CA's authorities, issued certificates, revocations and CRLs (the OCSP responder reads these). */
  readonly authorities: AuthorityReader;
  /** Managed certificates' status and revisions. */
  readonly managed: ManagedReader;
  /** One-time bootstrap tokens (hashes only). */
  readonly bootstrapTokens: BootstrapTokenReader;
  /** The server's credentials (hashes only). */
  readonly credentials: CredentialReader;
  /** Scans started through the API: request, progress, result. */
  readonly scans: ScanReader;
  /**
   * A token that changes, in the same transaction, whenever a declarative object or a certificate authority is
   * written (by any process sharing the database); null before the first such write. What caches of them compare.
   */
  configurationRevision(): Promise<string | null>;
  /**
   * Runs `work` in one transaction: all of it is written or none of it. Failures surface as DomainError
   * `CUSTOS_STORE_FAILED` (or `CUSTOS_AUDIT_WRITE_FAILED` when appending audit failed) with the driver error as cause.
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
