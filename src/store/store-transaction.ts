import type { AuditEventInput } from '../core/audit/audit-event.js';
import { DomainError } from '../core/errors.js';
import type { EvaluationWriter } from '../core/ports/evaluation-store.js';
import type { InventoryWriter } from '../core/ports/inventory-store.js';
import type { JobTransaction } from '../core/ports/job-queue.js';
import type { NotificationLogWriter } from '../core/ports/notification-log.js';
import type { ObjectsWriter } from '../core/ports/objects-store.js';
import type { StoreTransaction } from '../core/ports/store.js';
import type { AuthorityWriter } from '../core/ports/authority-store.js';
import type { BootstrapTokenWriter } from '../core/ports/bootstrap-token-store.js';
import type { ScanWriter } from '../core/ports/scan-store.js';
import { appendAudit } from './audit-writes.js';
import { giveTurn } from './event-loop-turns.js';
import { authorityWriter } from './authorities-store.js';
import { bootstrapTokenWriter } from './bootstrap-tokens-store.js';
import type { CredentialWriter } from '../core/ports/credential-store.js';
import { credentialWriter } from './credentials-store.js';
import { scanWriter } from './scans-store.js';
import { evaluationWriter } from './evaluations-store.js';
import { managedWriter } from './managed-store.js';
import type { ManagedWriter } from '../core/ports/managed-store.js';
import { inventoryWriter } from './inventory-writer.js';
import { jobTransaction } from './job-queue.js';
import { addAcknowledgement, putDeliveries } from './notification-log.js';
import { objectsWriter } from './objects-store.js';
import type { StoreContext } from './store-context.js';
import { auditWriteFailed, storeFailed } from './store-errors.js';

/**
 * The StoreTransaction handed to `store.transaction(work)`. Each operation turns a driver failure into a
 * DomainError and remembers it: once one has failed the transaction cannot commit, even if `work` catches the
 * error and carries on (SQLite would otherwise commit the statements that did succeed).
 */
export class KyselyStoreTransaction implements StoreTransaction {
  private firstFailure: DomainError | null = null;

  readonly inventory: InventoryWriter;
  readonly evaluations: EvaluationWriter;
  readonly authorities: AuthorityWriter;
  readonly managed: ManagedWriter;
  readonly bootstrapTokens: BootstrapTokenWriter;
  readonly credentials: CredentialWriter;
  readonly scans: ScanWriter;

  constructor(private readonly ctx: StoreContext) {
    const run = <T>(doing: string, operation: () => Promise<T>): Promise<T> => this.run(doing, operation);
    this.inventory = inventoryWriter(ctx, run);
    this.evaluations = evaluationWriter(ctx, run);
    this.authorities = authorityWriter(ctx, run);
    this.managed = managedWriter(ctx, run);
    this.bootstrapTokens = bootstrapTokenWriter(ctx, run);
    this.credentials = credentialWriter(ctx, run);
    this.scans = scanWriter(ctx, run);
  }

  giveTurn(): Promise<void> {
    return giveTurn();
  }

  get failure(): DomainError | null {
    return this.firstFailure;
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
    // A stored secret sealed under another key keeps its code (CUSTOS_KEY_INVALID).
    (doing, operation) =>
      this.run(doing, operation, (cause) =>
        cause instanceof DomainError ? cause : storeFailed(doing, cause),
      ),
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
