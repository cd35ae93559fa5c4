import type { CertificateRevision, ManagedStatus } from '../managed/managed-status.js';

/** Reads managed certificates' status and revisions (`store.managed`; `tx.managed` sees the transaction's writes). */
export interface ManagedReader {
  /** The status of one managed certificate, or null when it was never reconciled. */
  status(name: string): Promise<ManagedStatus | null>;
  /** Every stored status, by name. */
  statuses(): Promise<ManagedStatus[]>;
  revision(name: string, revision: number): Promise<CertificateRevision | null>;
  /** Every revision of one managed certificate, oldest first. */
  revisions(name: string): Promise<CertificateRevision[]>;
}

/** Writes status and revisions inside a store transaction (with the audit events that record the step). */
export interface ManagedWriter extends ManagedReader {
  /** Creates or replaces the status. */
  putStatus(status: ManagedStatus): Promise<void>;
  /** Records a revision; false (nothing written) when that revision number is already recorded. */
  addRevision(revision: CertificateRevision): Promise<boolean>;
  /** Forgets a managed certificate's status and revisions (after `managed delete`). */
  remove(name: string): Promise<void>;
}
