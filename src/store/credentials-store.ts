import type { Kysely } from 'kysely';
import { SCOPES, isScope, type Scope } from '../core/auth/scopes.js';
import type {
  CredentialKind,
  CredentialReader,
  CredentialRecord,
  CredentialWriter,
} from '../core/ports/credential-store.js';
import type { StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { reading } from './store-errors.js';

/** The tables of migration 0015-credentials (times in epoch milliseconds). */
export type CredentialTables = {
  credentials: {
    id: string;
    kind: string;
    secret_sha256: string;
    name: string;
    scopes: string;
    owner: string | null;
    created_at: number;
    created_by: string;
    expires_at: number;
    revoked_at: number | null;
    last_used_at: number | null;
  };
  credential_markers: { marker: string; at: number };
};

type Db = Kysely<StoreDatabase & CredentialTables>;
type Row = CredentialTables['credentials'];

const tables = (db: Kysely<StoreDatabase>): Db => db.withTables<CredentialTables>();

const time = (value: number | null): Date | null => (value === null ? null : new Date(Number(value)));

/** Scopes as stored: comma-separated in SCOPES order (an unknown word, from a later version, is dropped). */
const scopesText = (scopes: readonly Scope[]): string => SCOPES.filter((s) => scopes.includes(s)).join(',');
const scopesOf = (text: string): Scope[] => text.split(',').filter(isScope);

function toRecord(row: Row): CredentialRecord {
  return {
    id: row.id,
    kind: row.kind as CredentialKind,
    secretSha256: row.secret_sha256,
    name: row.name,
    scopes: scopesOf(row.scopes),
    owner: row.owner,
    createdAt: new Date(Number(row.created_at)),
    createdBy: row.created_by,
    expiresAt: new Date(Number(row.expires_at)),
    revokedAt: time(row.revoked_at),
    lastUsedAt: time(row.last_used_at),
  };
}

function queries(db: Db): CredentialReader {
  return {
    async bySecret(secretSha256) {
      const row = await db
        .selectFrom('credentials')
        .selectAll()
        .where('secret_sha256', '=', secretSha256)
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    async get(id) {
      const row = await db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    async list(kind) {
      const rows = await db
        .selectFrom('credentials')
        .selectAll()
        .where('kind', '=', kind)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
  };
}

/** `store.credentials`: committed credentials (hashes only). */
export function credentialReader(db: Kysely<StoreDatabase>): CredentialReader {
  const q = queries(tables(db));
  return {
    bySecret: (hash) => reading('reading a credential', () => q.bySecret(hash)),
    get: (id) => reading('reading a credential', () => q.get(id)),
    list: (kind) => reading('reading credentials', () => q.list(kind)),
  };
}

type Run = <T>(doing: string, operation: () => Promise<T>) => Promise<T>;

/** `tx.credentials`: creates, revokes and spends credentials inside the transaction, each through its latch. */
export function credentialWriter(ctx: StoreContext, run: Run): CredentialWriter {
  const db = tables(ctx.db);
  const q = queries(db);
  return {
    bySecret: (hash) => run('reading a credential', () => q.bySecret(hash)),
    get: (id) => run('reading a credential', () => q.get(id)),
    list: (kind) => run('reading credentials', () => q.list(kind)),
    create: (record) =>
      run('storing a credential', async () => {
        await db
          .insertInto('credentials')
          .values({
            id: record.id,
            kind: record.kind,
            secret_sha256: record.secretSha256,
            name: record.name,
            scopes: scopesText(record.scopes),
            owner: record.owner,
            created_at: record.createdAt.getTime(),
            created_by: record.createdBy,
            expires_at: record.expiresAt.getTime(),
            revoked_at: null,
            last_used_at: null,
          })
          .execute();
      }),
    revoke: (id, at) =>
      run('revoking a credential', async () => {
        const result = await db
          .updateTable('credentials')
          .set({ revoked_at: at.getTime() })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),
    touch: (id, at) =>
      run('recording the use of a credential', async () => {
        await db
          .updateTable('credentials')
          .set({ last_used_at: at.getTime() })
          .where('id', '=', id)
          .execute();
      }),
    // One conditional UPDATE: on PostgreSQL a concurrent one waits for the row lock and then finds last_used_at
    // set; on SQLite writers are serialised by BEGIN IMMEDIATE.
    consume: (id, at) =>
      run('spending a credential', async () => {
        const result = await db
          .updateTable('credentials')
          .set({ last_used_at: at.getTime(), revoked_at: at.getTime() })
          .where('id', '=', id)
          .where('last_used_at', 'is', null)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),
    // INSERT ... ON CONFLICT DO NOTHING: a concurrent PostgreSQL insert of the same key waits for the first
    // transaction and then inserts nothing.
    markOnce: (marker, at) =>
      run('recording a marker', async () => {
        const result = await db
          .insertInto('credential_markers')
          .values({ marker, at: at.getTime() })
          .onConflict((conflict) => conflict.column('marker').doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
      }),
  };
}
