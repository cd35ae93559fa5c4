import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { DomainError } from '../core/errors.js';
import type { StoreDatabase } from './schema.js';
import { KyselyRowWriter } from './row-writers.js';
import type { StoreEngine } from './store-engine.js';
import { errorText } from './store-errors.js';

const PG_MAX_PARAMETERS = 65535;
const INT8_OID = 20;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * bigint columns (epoch milliseconds, seq numbers, sizes, counts) as JavaScript numbers rather than pg's default
 * strings: every value Custos keeps in them is far below 2^53. Scoped to this pool, not pg's global parsers.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The shared store: a PostgreSQL database given by URL. A `search_path` can be set through the URL
 * (`?options=-c%20search_path%3Dmy_schema`); the tables live in the first schema of the path.
 */
export async function openPostgresEngine(url: string): Promise<StoreEngine> {
  const description = `PostgreSQL database ${withoutSecrets(url)}`;
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types,
  });
  // A connection that dies while idle in the pool is discarded by pg; without a listener the 'error' event would
  // end the process. The next query opens a new connection or fails with its own error.
  pool.on('error', () => undefined);
  let schema: string | null;
  try {
    const result = await pool.query<{ schema: string | null }>('select current_schema() as schema');
    schema = result.rows[0]?.schema ?? null;
  } catch (error) {
    await pool.end();
    throw new DomainError(
      'CUSTOS_STORE_UNAVAILABLE',
      `The ${description} cannot be reached (${errorText(error)}).`,
      {
        cause: error,
        hint: 'Check --database-url (or CUSTOS_DATABASE_URL), and that the server runs and accepts this user.',
      },
    );
  }
  if (schema === null) {
    await pool.end();
    throw new DomainError(
      'CUSTOS_STORE_UNAVAILABLE',
      `The ${description} has no schema on its search_path.`,
      {
        hint: 'Create the schema named in search_path, or connect with a search_path that exists.',
      },
    );
  }
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    description,
    maxParameters: PG_MAX_PARAMETERS,
    schema,
    reader: db,
    writeTransaction: (work) => db.transaction().execute(work),
    readAside: async (query) => (await db.executeQuery(query)).rows,
    rowWriter: (transaction) => new KyselyRowWriter(transaction, PG_MAX_PARAMETERS),
    close: () => db.destroy(),
  };
}

/** The URL as people may see it: no password, no query parameters (which can carry one). */
export function withoutSecrets(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(the --database-url given is not a valid URL)';
  }
}
