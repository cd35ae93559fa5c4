import { DomainError } from '../core/errors.js';
import type { JobQueue } from '../core/ports/job-queue.js';
import type { AuditKeyring } from '../core/ports/audit-keyring.js';
import type { EvaluationReader } from '../core/ports/evaluation-store.js';
import type { NotificationLogReader } from '../core/ports/notification-log.js';
import type { ObjectsReader } from '../core/ports/objects-store.js';
import type { AuditReader, Store, StoreTransaction } from '../core/ports/store.js';
import type { InventoryReader } from '../core/ports/inventory-store.js';
import type { InventoryStatistics } from '../core/ports/inventory-statistics.js';
import type { AuthorityReader } from '../core/ports/authority-store.js';
import type { BootstrapTokenReader } from '../core/ports/bootstrap-token-store.js';
import type { ScanReader } from '../core/ports/scan-store.js';
import { KyselyAuditReader } from './audit-reader.js';
import { authorityReader } from './authorities-store.js';
import { bootstrapTokenReader } from './bootstrap-tokens-store.js';
import type { CredentialReader } from '../core/ports/credential-store.js';
import { credentialReader } from './credentials-store.js';
import { scanReader } from './scans-store.js';
import { evaluationReader } from './evaluations-store.js';
import { managedReader } from './managed-store.js';
import type { ManagedReader } from '../core/ports/managed-store.js';
import { KyselyInventoryReader } from './inventory-reader.js';
import { KyselyInventoryStatistics } from './inventory-statistics.js';
import { KyselyJobQueue } from './job-queue.js';
import { KyselyNotificationLogReader } from './notification-log.js';
import { KyselyObjectsReader } from './objects-store.js';
import type { StoreEngine } from './store-engine.js';
import { reading, storeFailed } from './store-errors.js';
import { configurationRevisionReader } from './configuration-revision.js';
import { KyselyStoreTransaction } from './store-transaction.js';

/** The Store port on Kysely, the same code for SQLite and PostgreSQL; the engine holds what differs. */
export class KyselyStore implements Store {
  readonly dialect: Store['dialect'];
  readonly inventory: InventoryReader;
  readonly statistics: InventoryStatistics;
  readonly audit: AuditReader;
  readonly notifications: NotificationLogReader;
  readonly objects: ObjectsReader;
  readonly jobs: JobQueue;
  readonly evaluations: EvaluationReader;
  readonly authorities: AuthorityReader;
  readonly managed: ManagedReader;
  readonly bootstrapTokens: BootstrapTokenReader;
  readonly credentials: CredentialReader;
  readonly scans: ScanReader;

  constructor(
    private readonly engine: StoreEngine,
    private readonly auditKeys: AuditKeyring,
  ) {
    this.dialect = engine.dialect;
    this.inventory = new KyselyInventoryReader(engine.reader, engine.dialect);
    this.statistics = new KyselyInventoryStatistics(engine.reader, engine.dialect, (query) =>
      engine.readAside(query),
    );
    this.audit = new KyselyAuditReader(engine.reader);
    this.notifications = new KyselyNotificationLogReader(engine.reader);
    this.objects = new KyselyObjectsReader(engine.reader, auditKeys.secrets);
    this.jobs = new KyselyJobQueue(engine);
    this.evaluations = evaluationReader(engine.reader, engine.dialect);
    this.authorities = authorityReader(engine.reader);
    this.managed = managedReader(engine.reader);
    this.bootstrapTokens = bootstrapTokenReader(engine.reader);
    this.credentials = credentialReader(engine.reader);
    this.scans = scanReader(engine.reader);
    this.readRevision = configurationRevisionReader(engine.reader);
  }

  private readonly readRevision: () => Promise<string | null>;

  configurationRevision(): Promise<string | null> {
    return reading('reading the configuration revision', this.readRevision);
  }

  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    // What `work` threw (or the failure it swallowed) is rethrown as it is; anything else came from beginning,
    // committing or rolling back, and is the database's failure.
    let thrownByWork: { error: unknown } | undefined;
    try {
      return await this.engine.writeTransaction(async (db) => {
        const tx = new KyselyStoreTransaction({
          db,
          dialect: this.engine.dialect,
          maxParameters: this.engine.maxParameters,
          rows: this.engine.rowWriter(db),
          auditKeys: this.auditKeys,
        });
        let result: T;
        try {
          result = await work(tx);
        } catch (error) {
          thrownByWork = { error };
          throw error;
        }
        if (tx.failure) {
          thrownByWork = { error: tx.failure };
          throw tx.failure;
        }
        return result;
      });
    } catch (error) {
      if (thrownByWork !== undefined && thrownByWork.error === error) throw error;
      if (error instanceof DomainError) throw error;
      throw storeFailed(`running a transaction on the ${this.engine.description}`, error);
    }
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
