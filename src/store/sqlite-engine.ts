import { ensureDataDir } from './data-dir.js';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { DomainError } from '../core/errors.js';
import type { StoreDatabase } from './schema.js';
import { SqliteRowWriter } from './row-writers.js';
import { SqliteCheckpointThread } from './sqlite-checkpoint-thread.js';
import { SqliteReadThread } from './sqlite-read-thread.js';
import { TurnsBetweenQueries } from './event-loop-turns.js';
import type { StoreEngine } from './store-engine.js';
import { errorText } from './store-errors.js';

const BUSY_TIMEOUT_MS = 5000;
/**
 * How long a write transaction waits for the write lock another process holds. A first scan of 100,000 files holds it
 * for ~40 s and two `custos scan files` at once must both succeed (issue 10): with the 5 s busy timeout the second
 * scan of a 20,000-file tree failed with "database is locked". The wait is asynchronous, so nothing else stops.
 */
const WRITE_LOCK_WAIT_MS = 10 * 60_000;
const WAL_AUTOCHECKPOINT_PAGES = 10_000;
/** How often the checkpoint thread copies the WAL back into the database file (sqlite-checkpoint-thread.ts). */
const CHECKPOINT_INTERVAL_MS = 200;
/** Each connection's page cache, in KiB. */
const CACHE_KIB = 65536;
/** SQLITE_MAX_VARIABLE_NUMBER of the SQLite bundled with better-sqlite3. */
const SQLITE_MAX_PARAMETERS = 32766;

/** The embedded store: `custos.db` in the data directory, in WAL mode. */
export async function openSqliteEngine(dataDir: string): Promise<StoreEngine> {
  const dir = resolve(dataDir);
  await ensureDataDir(dir);
  const file = join(dir, 'custos.db');
  let writer: Database.Database | undefined;
  let reader: Database.Database | undefined;
  try {
    writer = new Database(file);
    // Waits for another process opening the same file at this moment (switching to WAL takes a lock).
    writer.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    writer.pragma('journal_mode = WAL');
    writer.pragma('foreign_keys = ON');
    writer.pragma('synchronous = NORMAL');
    // The checkpoint thread copies the WAL back into the database (below); the writer does it itself only when the WAL
    // reaches WAL_AUTOCHECKPOINT_PAGES pages (SQLite's default, 1,000 pages, checkpointed every few issuances:
    // bench/issue persisted 1,100-1,400 certificates/s with 64 in flight at the default and 1,900-2,150/s at 10,000
    // pages, a WAL of up to ~40 MB, on the same loaded machine).
    writer.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    writer.pragma(`cache_size = -${CACHE_KIB}`);
    // Readers get their own connection: WAL lets them read committed data while a write transaction holds the
    // writer, and a read made while a transaction is open can never wait on that transaction.
    reader = new Database(file, { readonly: true, fileMustExist: true });
    reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    reader.pragma(`cache_size = -${CACHE_KIB}`);
  } catch (error) {
    reader?.close();
    writer?.close();
    throw openFailure(file, error);
  }
  const writeConnection = writer;
  const writerDb = new Kysely<StoreDatabase>({
    dialect: new SqliteDialect({ database: preparedOnce(writeConnection) }),
    plugins: [new TurnsBetweenQueries()],
  });
  const readerDb = new Kysely<StoreDatabase>({
    dialect: new SqliteDialect({ database: preparedOnce(reader) }),
  });
  const rowWriter = new SqliteRowWriter(writeConnection, writerDb);
  const checkpoints = new SqliteCheckpointThread(file, CHECKPOINT_INTERVAL_MS);
  const readThread = new SqliteReadThread(
    file,
    { busyTimeoutMs: BUSY_TIMEOUT_MS, cacheKib: CACHE_KIB },
    async (query) => (await readerDb.executeQuery(query)).rows,
  );
  return {
    dialect: 'sqlite',
    description: `SQLite database ${file}`,
    maxParameters: SQLITE_MAX_PARAMETERS,
    schema: undefined,
    reader: readerDb,
    // The Kysely connection serialises this process's transactions on the one writer connection; BEGIN IMMEDIATE
    // takes the database's write lock before any read, so writers in other processes wait for it instead of
    // failing to upgrade a read lock halfway through.
    writeTransaction: (work) =>
      writerDb.connection().execute(async (db) => {
        await beginImmediate(writeConnection, file);
        try {
          const result = await work(db);
          writeConnection.exec('COMMIT');
          checkpoints.committed();
          return result;
        } catch (error) {
          rollback(writeConnection);
          throw error;
        }
      }),
    readAside: (query) => readThread.all(query),
    rowWriter: () => rowWriter,
    close: async () => {
      await readThread.close();
      await checkpoints.close();
      await readerDb.destroy();
      await writerDb.destroy();
    },
  };
}

/** Statements kept per connection; a process that runs more distinct SQL than this starts its cache over. */
const MAX_CACHED_STATEMENTS = 512;

/**
 * The connection as Kysely sees it, with each SQL text prepared once: Kysely prepares every query it runs, and
 * preparing (parsing and planning the SQL) costs more than running the small statements of a use case such as an
 * issuance. Kysely runs one query at a time per connection and the store never streams, so a statement is never
 * asked for again while it is still running.
 */
function preparedOnce(connection: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => {
      statements.clear();
      connection.close();
    },
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = connection.prepare(sql);
        if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Takes the write lock, waiting up to WRITE_LOCK_WAIT_MS for another writer to finish. The wait is asynchronous (a
 * zero busy timeout and retries): SQLite's own busy wait would block the event loop, and with it a writer of the
 * same process that holds the lock and needs the loop to finish.
 */
async function beginImmediate(connection: Database.Database, file: string): Promise<void> {
  const deadline = performance.now() + WRITE_LOCK_WAIT_MS;
  connection.pragma('busy_timeout = 0');
  try {
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        connection.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (performance.now() + delay > deadline) {
          throw new DomainError(
            'CUSTOS_STORE_BUSY',
            `another process has held the write lock of the SQLite database ${file} for ${WRITE_LOCK_WAIT_MS / 60_000} minutes; nothing was written`,
            { cause: error, hint: 'a long scan or import is writing: retry when it has finished' },
          );
        }
      }
      await sleep(delay);
    }
  } finally {
    connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

function rollback(connection: Database.Database): void {
  if (!connection.inTransaction) return;
  try {
    connection.exec('ROLLBACK');
  } catch {
    // The error being thrown says what went wrong; SQLite rolls back on its own when it cannot continue.
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
}

function openFailure(file: string, error: unknown): DomainError {
  const code = error instanceof Database.SqliteError ? error.code : '';
  if (/^SQLITE_(CANTOPEN|READONLY|PERM|IOERR)/.test(code)) {
    return new DomainError(
      'CUSTOS_DATA_DIR_UNUSABLE',
      `The SQLite database ${file} cannot be created or written (${errorText(error)}).`,
      { cause: error, hint: 'Point --data-dir (or CUSTOS_DATA_DIR) at a writable directory.' },
    );
  }
  return new DomainError(
    'CUSTOS_STORE_UNAVAILABLE',
    `The SQLite database ${file} cannot be opened (${errorText(error)}).`,
    { cause: error, hint: 'Check that the file is a Custos database, or move it away to start afresh.' },
  );
}
