import { DomainError } from '../core/errors.js';
import type { AuditKeyring } from '../core/ports/audit-keyring.js';
import type { Store } from '../core/ports/store.js';
import { KyselyStore } from './kysely-store.js';
import { MIGRATIONS } from './migrations/index.js';
import { runMigrations } from './migrations/run-migrations.js';
import { loadAuditKeyring } from './keys/audit-keyring.js';
import { openPostgresEngine } from './postgres-engine.js';
import { openSqliteEngine } from './sqlite-engine.js';
import type { StoreEngine } from './store-engine.js';

export interface StoreOptions {
  /** Holds the SQLite database `custos.db` (created with mode 0700 if missing) when no databaseUrl is given. */
  dataDir: string;
  /** `postgres://...` or `postgresql://...`: the state lives in PostgreSQL instead (this wins over dataDir). */
  databaseUrl?: string;
  /**
   * The key that seals the audit trail; when absent, `audit.key` in dataDir (created on first start). The CLI
   * passes the keyring it loaded from CUSTOS_AUDIT_KEY / CUSTOS_AUDIT_KEY_FILE (loadAuditKeyring).
   */
  auditKeys?: AuditKeyring;
}

/** Opens the store and brings its schema up to date (pending migrations run on every open). */
export async function openStore(options: StoreOptions): Promise<Store> {
  const engine = await openEngine(options);
  try {
    const auditKeys = options.auditKeys ?? (await loadAuditKeyring({ dataDir: options.dataDir }));
    await runMigrations(engine, MIGRATIONS, { auditKeys });
    return new KyselyStore(engine, auditKeys);
  } catch (error) {
    await engine.close();
    throw error;
  }
}

async function openEngine(options: StoreOptions): Promise<StoreEngine> {
  if (options.databaseUrl === undefined || options.databaseUrl === '')
    return openSqliteEngine(options.dataDir);
  if (!/^postgres(ql)?:\/\//i.test(options.databaseUrl)) {
    throw new DomainError(
      'CUSTOS_CONFIG_INVALID',
      'The database URL must start with postgres:// or postgresql://.',
      {
        hint: 'Give --database-url (or CUSTOS_DATABASE_URL) as postgres://user@host:5432/database, or leave it unset for SQLite.',
      },
    );
  }
  return openPostgresEngine(options.databaseUrl);
}
