import type { Kysely } from 'kysely';
import type {
  BootstrapTokenReader,
  BootstrapTokenRecord,
  BootstrapTokenWriter,
} from '../core/ports/bootstrap-token-store.js';
import type { StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { reading } from './store-errors.js';

/** The table of migration 0012-bootstrap-tokens (times in epoch milliseconds). */
export type BootstrapTokenTables = {
  bootstrap_tokens: {
    token_sha256: string;
    provisioner: string;
    identity: string;
    expires_at: number;
    created_at: number;
    created_by: string;
    used_at: number | null;
  };
};

type Db = Kysely<StoreDatabase & BootstrapTokenTables>;
type Row = BootstrapTokenTables['bootstrap_tokens'];

const tables = (db: Kysely<StoreDatabase>): Db => db.withTables<BootstrapTokenTables>();

function toRecord(row: Row): BootstrapTokenRecord {
  return {
    tokenSha256: row.token_sha256,
    provisioner: row.provisioner,
    identity: row.identity,
    expiresAt: new Date(Number(row.expires_at)),
    createdAt: new Date(Number(row.created_at)),
    createdBy: row.created_by,
    usedAt: row.used_at === null ? null : new Date(Number(row.used_at)),
  };
}

function queries(db: Db): BootstrapTokenReader {
  return {
    async get(tokenSha256) {
      const row = await db
        .selectFrom('bootstrap_tokens')
        .selectAll()
        .where('token_sha256', '=', tokenSha256)
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    async unused() {
      const rows = await db
        .selectFrom('bootstrap_tokens')
        .selectAll()
        .where('used_at', 'is', null)
        .orderBy('expires_at')
        .orderBy('token_sha256')
        .execute();
      return rows.map(toRecord);
    },
  };
}

/** `store.bootstrapTokens`: committed tokens (hashes only). */
export function bootstrapTokenReader(db: Kysely<StoreDatabase>): BootstrapTokenReader {
  const q = queries(tables(db));
  return {
    get: (hash) => reading('reading a bootstrap token', () => q.get(hash)),
    unused: () => reading('reading bootstrap tokens', () => q.unused()),
  };
}

type Run = <T>(doing: string, operation: () => Promise<T>) => Promise<T>;

/** `tx.bootstrapTokens`: creates and consumes tokens inside the transaction, each operation through its latch. */
export function bootstrapTokenWriter(ctx: StoreContext, run: Run): BootstrapTokenWriter {
  const db = tables(ctx.db);
  const q = queries(db);
  return {
    get: (hash) => run('reading a bootstrap token', () => q.get(hash)),
    unused: () => run('reading bootstrap tokens', () => q.unused()),
    create: (record) =>
      run('storing a bootstrap token', async () => {
        await db
          .insertInto('bootstrap_tokens')
          .values({
            token_sha256: record.tokenSha256,
            provisioner: record.provisioner,
            identity: record.identity,
            expires_at: record.expiresAt.getTime(),
            created_at: record.createdAt.getTime(),
            created_by: record.createdBy,
            used_at: null,
          })
          .execute();
      }),
    // One conditional UPDATE: on PostgreSQL a concurrent one waits for the row lock and then finds used_at set; on
    // SQLite writers are serialised by BEGIN IMMEDIATE. Either way exactly one redemption updates the row.
    consume: (hash, at) =>
      run('consuming a bootstrap token', async () => {
        const result = await db
          .updateTable('bootstrap_tokens')
          .set({ used_at: at.getTime() })
          .where('token_sha256', '=', hash)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),
  };
}
