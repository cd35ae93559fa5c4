import type { Kysely } from 'kysely';
import type { Evaluation, StoredEvaluation } from '../core/evaluation/evaluation.js';
import type { EvaluationReader, EvaluationWriter } from '../core/ports/evaluation-store.js';
import type { OwnerSource } from '../core/ownership/resolve-owner.js';
import { chunked, KEYS_PER_READ, rowsPerInsert } from './chunks.js';
import { giveTurn } from './event-loop-turns.js';
import type { SqlDialectName, StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { reading } from './store-errors.js';
import { inValues } from './value-lists.js';

/** The table of migration 0008-evaluations (times in epoch milliseconds, JSON as text). */
export type EvaluationTables = {
  certificate_evaluations: {
    fingerprint: string;
    owner: string | null;
    owner_source: string | null;
    identity: string | null;
    findings: string;
    evaluated_at: number;
  };
};

const EVALUATION_COLUMNS = 6;

const tables = (db: Kysely<StoreDatabase>): Kysely<StoreDatabase & EvaluationTables> =>
  db.withTables<EvaluationTables>();

async function readEvaluations(
  db: Kysely<StoreDatabase>,
  dialect: SqlDialectName,
  fingerprints: readonly string[],
): Promise<Map<string, StoredEvaluation>> {
  const found = new Map<string, StoredEvaluation>();
  for (const chunk of chunked([...new Set(fingerprints)], KEYS_PER_READ)) {
    const rows = await tables(db)
      .selectFrom('certificate_evaluations')
      .select(['fingerprint', 'owner', 'owner_source', 'identity', 'findings', 'evaluated_at'])
      .where(inValues(dialect, 'fingerprint', chunk))
      .execute();
    for (const row of rows) {
      found.set(row.fingerprint, {
        fingerprintSha256: row.fingerprint,
        owner: row.owner,
        ownerSource: row.owner_source === null ? null : (JSON.parse(row.owner_source) as OwnerSource),
        identity: row.identity,
        findings: JSON.parse(row.findings) as Evaluation['findings'],
        evaluatedAt: new Date(Number(row.evaluated_at)),
      });
    }
    await giveTurn();
  }
  return found;
}

async function putEvaluations(
  ctx: StoreContext,
  evaluations: readonly Evaluation[],
  at: Date,
): Promise<void> {
  for (const chunk of chunked(evaluations, rowsPerInsert(ctx.maxParameters, EVALUATION_COLUMNS))) {
    await tables(ctx.db)
      .insertInto('certificate_evaluations')
      .values(
        chunk.map((e) => ({
          fingerprint: e.fingerprintSha256,
          owner: e.owner,
          owner_source: e.ownerSource === null ? null : JSON.stringify(e.ownerSource),
          identity: e.identity,
          findings: JSON.stringify(e.findings),
          evaluated_at: at.getTime(),
        })),
      )
      .onConflict((conflict) =>
        conflict.column('fingerprint').doUpdateSet((eb) => ({
          owner: eb.ref('excluded.owner'),
          owner_source: eb.ref('excluded.owner_source'),
          identity: eb.ref('excluded.identity'),
          findings: eb.ref('excluded.findings'),
          evaluated_at: eb.ref('excluded.evaluated_at'),
        })),
      )
      .execute();
  }
}

/** `store.evaluations`: committed evaluations. */
export function evaluationReader(db: Kysely<StoreDatabase>, dialect: SqlDialectName): EvaluationReader {
  return {
    evaluationsOf: (fingerprints) =>
      reading('reading evaluations', () => readEvaluations(db, dialect, fingerprints)),
  };
}

type Run = <T>(doing: string, operation: () => Promise<T>) => Promise<T>;

/** `tx.evaluations`: the transaction's evaluations, each operation through its failure latch. */
export function evaluationWriter(ctx: StoreContext, run: Run): EvaluationWriter {
  return {
    evaluationsOf: (fingerprints) =>
      run('reading evaluations', () => readEvaluations(ctx.db, ctx.dialect, fingerprints)),
    putEvaluations: (evaluations, at) =>
      run('storing evaluations', () => putEvaluations(ctx, evaluations, at)),
  };
}
