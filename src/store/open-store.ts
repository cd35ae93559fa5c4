import { DomainError } from '../core/errors.js';
import type { AuditKeyring } from '../core/ports/audit-keyring.js';
import type { Store } from '../core/ports/store.js';
import { Migrator, sql } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrationProvider, type MigrationContext } from './migrations/store-migration.js';
import { loadAuditKeyring } from './keys/audit-keyring.js';
import { openPostgresEngine } from './postgres-engine.js';
import { openSqliteEngine } from './sqlite-engine.js';
import type { StoreEngine } from './store-engine.js';
import { errorText } from './store-errors.js';

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
    await migrate(engine, { auditKeys });
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

function isOtherSchemaVanished(error: unknown, ours: string | undefined): boolean {
  if (!(error instanceof Error) || (error as { code?: string }).code !== '3F000') return false;
  const vanished = /schema "([^"]+)" does not exist/.exec(error.message)?.[1];
  return vanished !== undefined && vanished !== ours;
}

/**
 * Whether every migration is already applied, read straight from Kysely's migration table: the common open (an
 * up-to-date database) then skips the migrator, whose catalogue introspection reads every schema of the database.
 */
async function upToDate(engine: StoreEngine): Promise<boolean> {
  try {
    const table = engine.migrationTableSchema
      ? sql.id(engine.migrationTableSchema, 'kysely_migration')
      : sql.id('kysely_migration');
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(engine.migrationDb);
    const applied = new Set(rows.map((row) => row.name));
    // Exactly ours: a name we do not know is a newer Custos's, which the migrator reports.
    const ours = Object.keys(MIGRATIONS);
    return applied.size === ours.length && ours.every((name) => applied.has(name));
  } catch {
    return false; // no migration table yet: a new database
  }
}

async function migrate(engine: StoreEngine, context: MigrationContext): Promise<void> {
  if (await upToDate(engine)) return;
  const migrator = new Migrator({
    db: engine.migrationDb,
    provider: migrationProvider(MIGRATIONS, engine.dialect, context),
    migrationTableSchema: engine.migrationTableSchema,
  });
  let outcome = await migrator.migrateToLatest();
  // Kysely's migrator reads the catalogue of every schema in the database; a schema another client drops at that
  // moment fails the read (3F000, "schema ... does not exist") though this store's schema is untouched. Such a race
  // is worth another try; anything else is not.
  for (
    let attempt = 1;
    attempt < 5 && isOtherSchemaVanished(outcome.error, engine.migrationTableSchema);
    attempt++
  ) {
    outcome = await migrator.migrateToLatest();
  }
  const { error, results } = outcome;
  if (error === undefined) return;
  const failed = results?.find((result) => result.status === 'Error')?.migrationName;
  throw new DomainError(
    'CUSTOS_STORE_FAILED',
    `Migrating the ${engine.description} failed${failed ? ` at ${failed}` : ''} (${errorText(error)}); the schema was left as it was.`,
    {
      cause: error,
      hint: 'A database written by a newer Custos needs that version; otherwise check the database and retry.',
    },
  );
}
