import type { Kysely } from 'kysely';
import type { Severity } from '../core/findings/finding.js';
import type { ServedFinding } from '../core/ports/inventory-store.js';
import type { StoreContext } from './store-context.js';
import type { StoreDatabase, SqlDialectName } from './schema.js';
import { inValues } from './value-lists.js';

interface ServedFindingsTable {
  location_key: string;
  fingerprint: string;
  code: string;
  severity: string;
  message: string;
  observed_at: number;
}

type Tables = StoreDatabase & { served_findings: ServedFindingsTable };
const tables = (db: Kysely<StoreDatabase>): Kysely<Tables> =>
  db.withTables<{ served_findings: ServedFindingsTable }>();

/** Replaces what is known to be wrong with what these locations serve by what was just found there. */
export async function replaceServedFindings(
  ctx: StoreContext,
  locationKeys: string[],
  findings: ServedFinding[],
  at: number,
): Promise<void> {
  if (locationKeys.length === 0) return;
  const db = tables(ctx.db);
  await db
    .deleteFrom('served_findings')
    .where(inValues(ctx.dialect, 'location_key', [...new Set(locationKeys)]))
    .execute();
  const rows = [
    ...new Map(
      findings.map((f) => [`${f.locationKey}\u0000${f.fingerprintSha256}\u0000${f.code}`, f]),
    ).values(),
  ].map((f) => ({
    location_key: f.locationKey,
    fingerprint: f.fingerprintSha256,
    code: f.code,
    severity: f.severity,
    message: f.message,
    observed_at: at,
  }));
  const perStatement = Math.floor(ctx.maxParameters / 6);
  for (let i = 0; i < rows.length; i += perStatement) {
    await db
      .insertInto('served_findings')
      .values(rows.slice(i, i + perStatement))
      .execute();
  }
}

export async function servedFindingsAt(
  db: Kysely<StoreDatabase>,
  dialect: SqlDialectName,
  locationKeys: string[],
): Promise<ServedFinding[]> {
  if (locationKeys.length === 0) return [];
  const rows = await tables(db)
    .selectFrom('served_findings')
    .selectAll()
    .where(inValues(dialect, 'location_key', [...new Set(locationKeys)]))
    .orderBy('location_key')
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    locationKey: r.location_key,
    fingerprintSha256: r.fingerprint,
    code: r.code,
    severity: r.severity as Severity,
    message: r.message,
  }));
}
