import type { AuditEventInput } from '../core/audit/audit-event.js';
import { DomainError } from '../core/errors.js';
import type { Location } from '../core/inventory/location.js';
import type { SightedObject, Sighting } from '../core/inventory/sighting.js';
import type { JobTransaction } from '../core/ports/job-queue.js';
import type { NotificationLogWriter } from '../core/ports/notification-log.js';
import type { ObjectsWriter } from '../core/ports/objects-store.js';
import type { FileState, ServedFinding, StoreTransaction } from '../core/ports/store.js';
import type { ParsedCertificate } from '../pki/x509/parsed-certificate.js';
import { appendAudit } from './audit-writes.js';
import { insertCertificates, knownCertificates } from './certificate-writes.js';
import { deleteFileStates, fileStatesUnder, putFileStates } from './file-state-queries.js';
import { jobTransaction } from './job-queue.js';
import { addAcknowledgement, putDeliveries } from './notification-log.js';
import { objectsWriter } from './objects-store.js';
import { replaceServedFindings } from './served-findings.js';
import {
  endSightings,
  openFileSightingsUnder,
  openSightingsAt,
  startSightings,
  touchOpenSightingsAt,
  touchSightings,
  type SightingRef,
} from './sighting-writes.js';
import type { StoreContext } from './store-context.js';
import { auditWriteFailed, storeFailed } from './store-errors.js';

/**
 * The StoreTransaction handed to `store.transaction(work)`. Each operation turns a driver failure into a
 * DomainError and remembers it: once one has failed the transaction cannot commit, even if `work` catches the
 * error and carries on (SQLite would otherwise commit the statements that did succeed).
 */
export class KyselyStoreTransaction implements StoreTransaction {
  private firstFailure: DomainError | null = null;

  constructor(private readonly ctx: StoreContext) {}

  get failure(): DomainError | null {
    return this.firstFailure;
  }

  knownCertificates(fingerprints: string[]): Promise<Set<string>> {
    return this.run('looking up certificates', () => knownCertificates(this.ctx, fingerprints));
  }

  insertCertificates(certificates: ParsedCertificate[], discoveredAt: Date): Promise<void> {
    return this.run('storing certificates', () =>
      insertCertificates(this.ctx, certificates, discoveredAt.getTime()),
    );
  }

  replaceServedFindings(locationKeys: string[], findings: ServedFinding[], at: Date): Promise<void> {
    return this.run('storing served findings', () =>
      replaceServedFindings(this.ctx, locationKeys, findings, at.getTime()),
    );
  }

  openFileSightingsUnder(roots: string[]): Promise<Sighting[]> {
    return this.run('reading sightings', () => openFileSightingsUnder(this.ctx, roots));
  }

  openSightingsAt(locationKeys: string[]): Promise<Sighting[]> {
    return this.run('reading sightings', () => openSightingsAt(this.ctx, locationKeys));
  }

  touchOpenSightingsAt(locationKeys: string[], at: Date): Promise<void> {
    return this.run('storing sightings', () => touchOpenSightingsAt(this.ctx, locationKeys, at.getTime()));
  }

  startSightings(sightings: Array<{ location: Location; object: SightedObject }>, at: Date): Promise<void> {
    return this.run('storing sightings', () => startSightings(this.ctx, sightings, at.getTime()));
  }

  touchSightings(sightings: SightingRef[], at: Date): Promise<void> {
    return this.run('updating sightings', () => touchSightings(this.ctx, sightings, at.getTime()));
  }

  endSightings(sightings: SightingRef[], at: Date): Promise<void> {
    return this.run('ending sightings', () => endSightings(this.ctx, sightings, at.getTime()));
  }

  fileStatesUnder(roots: string[]): Promise<FileState[]> {
    return this.run('reading file states', () => fileStatesUnder(this.ctx, roots));
  }

  putFileStates(states: FileState[]): Promise<void> {
    return this.run('storing file states', () => putFileStates(this.ctx, states));
  }

  deleteFileStates(paths: string[]): Promise<void> {
    return this.run('deleting file states', () => deleteFileStates(this.ctx, paths));
  }

  appendAudit(events: AuditEventInput[]): Promise<void> {
    return this.run(
      'appending audit events',
      () => appendAudit(this.ctx, events),
      // A refusal of its own (a head this key did not seal) keeps its code; a database failure is a write failure.
      (cause) => (cause instanceof DomainError ? cause : auditWriteFailed(cause)),
    );
  }

  readonly objects: ObjectsWriter = objectsWriter(
    () => this.ctx,
    (doing, operation) => this.run(doing, operation),
  );

  readonly jobs: JobTransaction = jobTransaction(
    () => this.ctx.db,
    (doing, operation) => this.run(doing, operation),
  );

  readonly notifications: NotificationLogWriter = {
    putDeliveries: (records) => this.run('recording deliveries', () => putDeliveries(this.ctx, records)),
    addAcknowledgement: (ack) =>
      this.run('recording an acknowledgement', () => addAcknowledgement(this.ctx, ack)),
  };

  private async run<T>(
    doing: string,
    operation: () => Promise<T>,
    failed: (cause: unknown) => DomainError = (cause) => storeFailed(doing, cause),
  ): Promise<T> {
    if (this.firstFailure) throw this.firstFailure;
    try {
      return await operation();
    } catch (error) {
      this.firstFailure = failed(error);
      throw this.firstFailure;
    }
  }
}
