import { sql, type Kysely } from 'kysely';
import { DomainError } from '../../core/errors.js';
import type { StoreDatabase } from '../schema.js';
import type { StoreEngine } from '../store-engine.js';
import { errorText } from '../store-errors.js';
import type { MigrationContext, StoreMigration } from './store-migration.js';

/** The table that lists applied migrations: Kysely's name and columns, so databases migrated before still open. */
const MIGRATION_TABLE = 'kysely_migration';

/**
 * Brings the schema up to date, safe against other processes opening the same database at the same moment (two
 * `custos scan` on a fresh data directory, several `custos serve` starting on one PostgreSQL). All pending
 * migrations run in one write transaction that first takes the migration lock — SQLite's write lock (BEGIN
 * IMMEDIATE), a PostgreSQL advisory lock scoped to the transaction and the schema — and only then reads which
 * migrations are applied, so the process that waited sees the other's work and runs nothing twice. The state is
 * read from the migration table alone: no catalogue introspection, which on PostgreSQL reads every schema of the
 * database and fails when another client drops one at that moment.
 */
export async function runMigrations(
  engine: StoreEngine,
  migrations: Record<string, StoreMigration>,
  context: MigrationContext,
): Promise<void> {
  // The common open, an up-to-date database, takes no lock.
  if (pendingOf(await appliedOutsideTransaction(engine), migrations).length === 0) return;
  let running: string | undefined;
  try {
    await engine.writeTransaction(async (db) => {
      if (engine.dialect === 'postgres') {
        await sql`select pg_advisory_xact_lock(hashtext(${`custos.migrations.${engine.schema ?? ''}`}))`.execute(
          db,
        );
      }
      await sql`create table if not exists ${table(engine)} (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(
        db,
      );
      for (const name of pendingOf(await applied(engine, db), migrations)) {
        running = name;
        await (migrations[name] as StoreMigration).up(
          db as unknown as Kysely<unknown>,
          engine.dialect,
          context,
        );
        await sql`insert into ${table(engine)} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
          db,
        );
      }
      running = undefined;
    });
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError(
      'CUSTOS_STORE_FAILED',
      `Migrating the ${engine.description} failed${running ? ` at ${running}` : ''} (${errorText(error)}); the schema was left as it was.`,
      { cause: error, hint: 'Check the database and retry.' },
    );
  }
}

function table(engine: StoreEngine) {
  return engine.schema === undefined ? sql.id(MIGRATION_TABLE) : sql.id(engine.schema, MIGRATION_TABLE);
}

async function applied(engine: StoreEngine, db: Kysely<StoreDatabase>): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`select name from ${table(engine)}`.execute(db);
  return new Set(rows.map((row) => row.name));
}

/** The applied migrations as committed now, or none when the migration table does not exist yet. */
async function appliedOutsideTransaction(engine: StoreEngine): Promise<Set<string>> {
  try {
    return await applied(engine, engine.reader);
  } catch {
    return new Set(); // no migration table yet: a new database (the locked pass reads again)
  }
}

/**
 * The migrations still to run, in order. A name this program does not know is a newer Custos's migration: that
 * database is refused rather than run with a schema this program does not understand.
 */
function pendingOf(done: Set<string>, migrations: Record<string, StoreMigration>): string[] {
  const unknown = [...done].filter((name) => !(name in migrations)).sort();
  if (unknown.length > 0) {
    throw new DomainError(
      'CUSTOS_STORE_FAILED',
      `The database was migrated by a newer Custos (migrations ${unknown.join(', ')} are unknown to this version).`,
      { hint: 'Run the Custos version that wrote this database, or a newer one.' },
    );
  }
  return Object.keys(migrations)
    .sort()
    .filter((name) => !done.has(name));
}
