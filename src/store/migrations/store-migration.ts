import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { AuditKeyring } from '../../core/ports/audit-keyring.js';
import type { SqlDialectName } from '../schema.js';

/**
 * One schema change, written once for both dialects with Kysely's schema builder. `dialect` is given for the few
 * places where the column types differ (see `columnTypes`). Migrations never change once released: a later change
 * is a new migration appended to `MIGRATIONS`.
 */
export interface StoreMigration {
  up(db: Kysely<unknown>, dialect: SqlDialectName, context: MigrationContext): Promise<void>;
}

/** What a migration may need beyond the database: the audit key, to seal the records written before it. */
export interface MigrationContext {
  auditKeys: AuditKeyring;
}

/** The column types that differ between SQLite and PostgreSQL. */
export function columnTypes(dialect: SqlDialectName) {
  return {
    blob: dialect === 'sqlite' ? 'blob' : 'bytea',
    /** The type of a surrogate key: exactly `integer` on SQLite (the rowid alias), `bigint` on PostgreSQL. */
    id: dialect === 'sqlite' ? 'integer' : 'bigint',
    /** A surrogate key filled by the database: SQLite's rowid alias, a PostgreSQL identity column. */
    serialId: (column: ColumnDefinitionBuilder) =>
      dialect === 'sqlite' ? column.primaryKey() : column.primaryKey().generatedByDefaultAsIdentity(),
    /**
     * Text compared byte by byte, so that range queries (fingerprint and path prefixes) and ordering mean the same
     * as on SQLite whatever the PostgreSQL database's collation is.
     */
    bytewiseText: (column: ColumnDefinitionBuilder) =>
      dialect === 'sqlite' ? column : column.modifyFront(sql`collate "C"`),
  } as const;
}
