import type { Kysely } from 'kysely';
import type { AuditKeyring } from '../core/ports/audit-keyring.js';
import type { RowWriter } from './row-writers.js';
import type { SqlDialectName, StoreDatabase } from './schema.js';

/** What the queries of one transaction need: its connection, its dialect, limits and its bulk-insert path. */
export interface StoreContext {
  readonly db: Kysely<StoreDatabase>;
  readonly dialect: SqlDialectName;
  /** Bound parameters one statement may carry (SQLite 32766, PostgreSQL 65535). */
  readonly maxParameters: number;
  readonly rows: RowWriter;
  /** Seals the audit records this transaction appends. */
  readonly auditKeys: AuditKeyring;
}
