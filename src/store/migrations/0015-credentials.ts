import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * The server's credentials (issue 13, authentication): API tokens, dashboard sessions and one-time login codes,
 * kept as the SHA-256 of their secret only, so a copy of the database gives nobody a usable credential. Markers
 * record once-per-store events (`admin-token-made`: the first start's admin token is printed once).
 */
export const credentials: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('credentials')
      .addColumn('id', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('secret_sha256', 'text', (c) => types.bytewiseText(c).notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      // Comma-separated, in SCOPES order.
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('owner', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .execute();
    // `token list`: one kind by creation time.
    await db.schema
      .createIndex('credentials_kind_created')
      .on('credentials')
      .columns(['kind', 'created_at'])
      .execute();
    await db.schema
      .createTable('credential_markers')
      .addColumn('marker', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
