import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * One-time bootstrap tokens (issue 11, provisioners): kept as the SHA-256 of the token only, so a copy of the
 * database gives nobody a usable token. `used_at` is set once, by a conditional update, when a token is redeemed.
 */
export const bootstrapTokens: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('bootstrap_tokens')
      .addColumn('token_sha256', 'text', (c) => types.bytewiseText(c).primaryKey())
      .addColumn('provisioner', 'text', (c) => c.notNull())
      .addColumn('identity', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    // `token list` shows the unused ones by expiry.
    await db.schema
      .createIndex('bootstrap_tokens_unused')
      .on('bootstrap_tokens')
      .columns(['used_at', 'expires_at'])
      .execute();
  },
};
