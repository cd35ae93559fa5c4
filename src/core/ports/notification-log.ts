import type { AuditEventInput } from '../audit/audit-event.js';
import type { Acknowledgement, DeliveryRecord } from '../notify/delivery.js';
import type { JobQueue, JobTransaction } from './job-queue.js';

/** Reads the delivery log and the acknowledgements (committed data). */
export interface NotificationLogReader {
  /** Every delivery record, oldest first attempt first (then by key). */
  deliveries(): Promise<DeliveryRecord[]>;
  /** Every acknowledgement, oldest first. */
  acknowledgements(): Promise<Acknowledgement[]>;
}

/** Writes to the delivery log, inside a store transaction (with the audit events that record them). */
export interface NotificationLogWriter {
  /** Creates or replaces the records of these notice keys. */
  putDeliveries(records: DeliveryRecord[]): Promise<void>;
  addAcknowledgement(ack: Acknowledgement): Promise<void>;
}

/** The part of a store transaction that notifications write through. */
export interface NotificationTransaction {
  readonly notifications: NotificationLogWriter;
  /** Notices are claimed as jobs: enqueued before they are sent, completed with their delivery record. */
  readonly jobs: JobTransaction;
  appendAudit(events: AuditEventInput[]): Promise<void>;
}

/** The part of the Store that notifications use (the Store port satisfies it). */
export interface NotificationStore {
  readonly notifications: NotificationLogReader;
  readonly jobs: JobQueue;
  transaction<T>(work: (tx: NotificationTransaction) => Promise<T>): Promise<T>;
}
