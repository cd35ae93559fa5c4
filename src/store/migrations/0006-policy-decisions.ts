import { columnTypes, type StoreMigration } from './store-migration.js';

/**
 * Each certificate's compliance decision per policy (pass, violated, error or waived, with the finding code and the
 * waiving exception) as last recorded, so that a change of decision is audited once as `policy.decided`.
 */
export const policyDecisions: StoreMigration = {
  async up(db, dialect) {
    const types = columnTypes(dialect);
    await db.schema
      .createTable('certificate_policy_decisions')
      .addColumn('fingerprint', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('policy', 'text', (c) => types.bytewiseText(c).notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('exception', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('certificate_policy_decisions_pk', ['fingerprint', 'policy'])
      .execute();
  },
};
