import type { Kysely } from 'kysely';
import type { DecisionKey, RecordedDecision } from '../core/policy/compliance-decisions.js';
import { chunked, rowsPerInsert } from './chunks.js';
import type { StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';

/** The table of migration 0006-policy-decisions (times in epoch milliseconds). */
export type PolicyDecisionTables = {
  certificate_policy_decisions: {
    fingerprint: string;
    policy: string;
    code: string;
    result: string;
    exception: string | null;
    updated_at: number;
  };
};

const DECISION_COLUMNS = 6;
/** Fingerprints per `IN (...)` list, well under every dialect's parameter limit. */
const FINGERPRINTS_PER_QUERY = 500;

const tables = (db: Kysely<StoreDatabase>): Kysely<StoreDatabase & PolicyDecisionTables> =>
  db.withTables<PolicyDecisionTables>();

/** The recorded decisions of these certificates, or of every certificate. */
export async function readDecisions(
  db: Kysely<StoreDatabase>,
  fingerprints?: readonly string[],
): Promise<RecordedDecision[]> {
  const query = tables(db)
    .selectFrom('certificate_policy_decisions')
    .select(['fingerprint', 'policy', 'code', 'result', 'exception']);
  if (fingerprints === undefined) return (await query.execute()).map(toRecorded);
  const decisions: RecordedDecision[] = [];
  for (const chunk of chunked(fingerprints, FINGERPRINTS_PER_QUERY))
    decisions.push(...(await query.where('fingerprint', 'in', chunk).execute()).map(toRecorded));
  return decisions;
}

function toRecorded(row: {
  fingerprint: string;
  policy: string;
  code: string;
  result: string;
  exception: string | null;
}): RecordedDecision {
  return {
    fingerprintSha256: row.fingerprint,
    policy: row.policy,
    code: row.code,
    result: row.result as RecordedDecision['result'],
    exception: row.exception,
  };
}

/** Upserts the decisions in `set` and deletes those in `cleared`, grouped by policy. */
export async function recordDecisions(
  ctx: StoreContext,
  changes: { set: RecordedDecision[]; cleared: DecisionKey[] },
  at: Date,
): Promise<void> {
  const db = tables(ctx.db);
  const clearedByPolicy = new Map<string, string[]>();
  for (const { policy, fingerprintSha256 } of changes.cleared) {
    const list = clearedByPolicy.get(policy) ?? [];
    list.push(fingerprintSha256);
    clearedByPolicy.set(policy, list);
  }
  for (const [policy, fingerprints] of clearedByPolicy) {
    for (const chunk of chunked(fingerprints, FINGERPRINTS_PER_QUERY)) {
      await db
        .deleteFrom('certificate_policy_decisions')
        .where('policy', '=', policy)
        .where('fingerprint', 'in', chunk)
        .execute();
    }
  }
  for (const chunk of chunked(changes.set, rowsPerInsert(ctx.maxParameters, DECISION_COLUMNS))) {
    await db
      .insertInto('certificate_policy_decisions')
      .values(
        chunk.map((d) => ({
          fingerprint: d.fingerprintSha256,
          policy: d.policy,
          code: d.code,
          result: d.result,
          exception: d.exception,
          updated_at: at.getTime(),
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(['fingerprint', 'policy']).doUpdateSet((eb) => ({
          code: eb.ref('excluded.code'),
          result: eb.ref('excluded.result'),
          exception: eb.ref('excluded.exception'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
