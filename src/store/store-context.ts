import type { Kysely } from 'kysely';
import type { SqlDialectName, StoreDatabase } from './schema.js';

/** What the queries of one transaction need: its connection, its dialect and the parameter limit. */
export interface StoreContext {
  readonly db: Kysely<StoreDatabase>;
  readonly dialect: SqlDialectName;
  readonly maxParameters: number;
}
