/**
 * The databases every store test runs on (kysely's test-setup pattern): SQLite always, PostgreSQL when
 * CUSTOS_TEST_DATABASE_URL is set. CUSTOS_TEST_DIALECTS=sqlite (or postgres) narrows the list.
 * Each `create()` gives a fresh, empty database: a temp data dir, or a schema of its own on PostgreSQL (reached
 * through the URL's `options=-c search_path=...`), removed by `dispose()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { AuditKeyring } from '../../src/core/ports/audit-keyring.js';
import { auditKeyring } from '../../src/store/keys/audit-keyring.js';
import type { StoreOptions } from '../../src/store/open-store.js';

export interface TestDatabase {
  /** Where the state lives, with a fresh audit key of its own (so no key file is written). */
  options: StoreOptions & { auditKeys: AuditKeyring };
  /** Runs SQL straight on the database, behind the store's back (to tamper with it). */
  exec(statement: string): Promise<void>;
  query<R>(statement: string): Promise<R[]>;
  dispose(): Promise<void>;
}

export interface TestDialect {
  name: 'sqlite' | 'postgres';
  /** Why the dialect cannot run here, or null. */
  unavailable: string | null;
  create(): Promise<TestDatabase>;
}

const sqlite: TestDialect = {
  name: 'sqlite',
  unavailable: null,
  async create() {
    const dataDir = await mkdtemp(join(tmpdir(), 'custos-store-'));
    const file = join(dataDir, 'custos.db');
    const withDb = <T>(work: (db: Database.Database) => T): T => {
      const db = new Database(file);
      try {
        return work(db);
      } finally {
        db.close();
      }
    };
    return {
      options: { dataDir, auditKeys: auditKeyring(randomBytes(32)) },
      exec: async (statement) => withDb((db) => void db.exec(statement)),
      query: async <R>(statement: string) => withDb((db) => db.prepare(statement).all() as R[]),
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};

const postgresUrl = process.env.CUSTOS_TEST_DATABASE_URL;

const postgres: TestDialect = {
  name: 'postgres',
  unavailable: postgresUrl ? null : 'set CUSTOS_TEST_DATABASE_URL to run on PostgreSQL',
  async create() {
    const url = postgresUrl as string;
    const schema = `custos_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.query(`set search_path to ${schema}`);
    const separator = url.includes('?') ? '&' : '?';
    return {
      options: {
        dataDir: '/nonexistent/the-url-wins',
        databaseUrl: `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        auditKeys: auditKeyring(randomBytes(32)),
      },
      exec: async (statement) => void (await admin.query(statement)),
      query: async <R>(statement: string) => (await admin.query(statement)).rows as R[],
      dispose: async () => {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  },
};

const wanted = process.env.CUSTOS_TEST_DIALECTS?.split(',').map((name) => name.trim());

export const DIALECTS: TestDialect[] = [sqlite, postgres].filter(
  (dialect) => wanted === undefined || wanted.includes(dialect.name),
);
