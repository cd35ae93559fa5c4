import { DomainError } from '../core/errors.js';
import type { Store } from '../core/ports/store.js';
import { Migrator } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrationProvider } from './migrations/store-migration.js';
import { openPostgresEngine } from './postgres-engine.js';
import { openSqliteEngine } from './sqlite-engine.js';
import type { StoreEngine } from './store-engine.js';
import { errorText } from './store-errors.js';

export interface StoreOptions {
  /** Holds the SQLite database `custos.db` (created with mode 0700 if missing) when no databaseUrl is given. */
  dataDir: string;
  /** `postgres://...` or `postgresql://...`: the state lives in PostgreSQL instead (this wins over dataDir). */
  databaseUrl?: string;
}

/** Opens the store and brings its schema up to date (pending migrations run on every open). */
export async function openStore(options: StoreOptions): Promise<Store> {
  const engine = await openEngine(options);
  try {
    await migrate(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return new KyselyStore(engine);
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

async function migrate(engine: StoreEngine): Promise<void> {
  const migrator = new Migrator({
    db: engine.migrationDb,
    provider: migrationProvider(MIGRATIONS, engine.dialect),
    migrationTableSchema: engine.migrationTableSchema,
  });
  const { error, results } = await migrator.migrateToLatest();
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
