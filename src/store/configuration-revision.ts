/**
 * The configuration revision: a token in `governance_state` replaced, in the same transaction, by every write of a
 * declarative object (policies, identities, ...) or of a certificate authority, whichever process makes it. A cache
 * of those (the built-in CA's issuance configuration, src/core/ca/issuance-configuration.ts) reads this one small
 * row per use and reloads only when it changed, so a change made by another process or another server on the same
 * PostgreSQL is seen by the next issuance, as when every issuance read them all.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { compiledOnce } from './compiled-once.js';
import type { StoreDatabase } from './schema.js';

const KEY = 'configuration-revision';

/** The table of migration 0004-ownership that holds it (objects-store.ts declares the others). */
type GovernanceState = { governance_state: { key: string; value: string } };

const tables = (db: Kysely<StoreDatabase>): Kysely<StoreDatabase & GovernanceState> =>
  db.withTables<GovernanceState>();

/** Replaces the token: called by each writer of declared_objects and authorities, inside its transaction. */
export async function bumpConfigurationRevision(db: Kysely<StoreDatabase>): Promise<void> {
  await tables(db)
    .insertInto('governance_state')
    .values({ key: KEY, value: randomUUID() })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
}

/** The current token (null before the first such write), read through SQL compiled once. */
export function configurationRevisionReader(db: Kysely<StoreDatabase>): () => Promise<string | null> {
  const read = compiledOnce(db, (key: string) =>
    tables(db).selectFrom('governance_state').select('value').where('key', '=', key),
  );
  return async () => (await read(KEY))[0]?.value ?? null;
}
