import type { CompiledQuery, Kysely } from 'kysely';
import type { RowWriter } from './row-writers.js';
import type { SqlDialectName, StoreDatabase } from './schema.js';

/** What differs between the databases behind a Store: connections, transactions and limits. */
export interface StoreEngine {
  readonly dialect: SqlDialectName;
  /** The database named for people (a file path, or a URL without its password). */
  readonly description: string;
  /** Bound parameters one statement may carry (SQLite 32766, PostgreSQL 65535). */
  readonly maxParameters: number;
  /** On PostgreSQL, the schema the tables live in (the first of the search_path); undefined on SQLite. */
  readonly schema: string | undefined;
  /** Reads committed data outside any transaction (on SQLite a second, read-only connection). */
  readonly reader: Kysely<StoreDatabase>;
  /**
   * Runs `work` in one write transaction on one connection; commits when it resolves, rolls back when it throws.
   * The write lock is taken up front on SQLite (BEGIN IMMEDIATE), so two writers queue instead of deadlocking.
   */
  writeTransaction<T>(work: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /**
   * Runs a read that visits every certificate without holding up the event loop: on SQLite on a read-only connection
   * in a worker thread (better-sqlite3 is synchronous), on PostgreSQL through the reader (already asynchronous).
   */
  readAside<R>(query: CompiledQuery<R>): Promise<R[]>;
  /** The bulk-insert path for a transaction's connection. */
  rowWriter(db: Kysely<StoreDatabase>): RowWriter;
  close(): Promise<void>;
}
