import { sql, type Kysely } from 'kysely';
import type { Location } from '../core/inventory/location.js';
import type { LocationQuery, LocationSummary, ProbeFailureState } from '../core/ports/inventory-store.js';
import type { SqlDialectName, StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { inValues } from './value-lists.js';

/**
 * Counts one more failed probe at each of these locations (only locations Custos has sighted something at have a
 * row: a sweep of closed ports writes nothing), and returns the run of failures each one is in.
 */
export async function recordProbeFailures(
  ctx: StoreContext,
  failures: Array<{ locationKey: string; code: string }>,
  at: number,
): Promise<ProbeFailureState[]> {
  if (failures.length === 0) return [];
  const byCode = new Map<string, string[]>();
  for (const f of failures) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f.locationKey]);
  for (const [code, keys] of byCode) {
    await ctx.db
      .updateTable('locations')
      .set((eb) => ({
        probe_failures: eb('probe_failures', '+', 1),
        failing_since: eb.fn.coalesce('failing_since', sql.lit(at)),
        last_failure: code,
      }))
      .where(inValues(ctx.dialect, 'key', [...new Set(keys)]))
      .execute();
  }
  const rows = await ctx.db
    .selectFrom('locations')
    .select(['key', 'probe_failures', 'failing_since', 'last_failure'])
    .where(inValues(ctx.dialect, 'key', [...new Set(failures.map((f) => f.locationKey))]))
    .execute();
  return rows.flatMap((row) =>
    row.failing_since === null
      ? []
      : [
          {
            locationKey: row.key,
            probes: Number(row.probe_failures),
            since: new Date(Number(row.failing_since)),
            code: row.last_failure ?? 'failed',
          },
        ],
  );
}

/** These locations answered (or were forgotten): their run of failed probes is over. */
export async function clearProbeFailures(ctx: StoreContext, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await ctx.db
    .updateTable('locations')
    .set({ probe_failures: 0, failing_since: null, last_failure: null })
    .where(inValues(ctx.dialect, 'key', [...new Set(keys)]))
    .where('failing_since', 'is not', null)
    .execute();
}

/** Locations with something sighted there now, with what and since when, ordered by key. */
export async function listLocations(
  db: Kysely<StoreDatabase>,
  dialect: SqlDialectName,
  query: LocationQuery,
): Promise<LocationSummary[]> {
  let select = db
    .selectFrom('locations')
    .innerJoin('sightings', 'sightings.location_id', 'locations.id')
    .where('sightings.ended_at', 'is', null)
    .select((eb) => [
      'locations.key',
      'locations.attributes',
      'locations.probe_failures',
      'locations.failing_since',
      'locations.last_failure',
      eb.fn
        .sum<number>(eb.case().when('sightings.object_type', '=', 'certificate').then(1).else(0).end())
        .as('certificates'),
      eb.fn.sum<number>(eb.case().when('sightings.object_type', '=', 'key').then(1).else(0).end()).as('keys'),
      eb.fn.min('sightings.first_seen').as('first_seen'),
      eb.fn.max('sightings.last_seen').as('last_seen'),
    ])
    .groupBy([
      'locations.id',
      'locations.key',
      'locations.attributes',
      'locations.probe_failures',
      'locations.failing_since',
      'locations.last_failure',
    ])
    .orderBy('locations.key');
  if (query.kind !== undefined) select = select.where('locations.kind', '=', query.kind);
  if (query.unreachable === true) select = select.where('locations.failing_since', 'is not', null);
  if (query.keys !== undefined) {
    if (query.keys.length === 0) return [];
    select = select.where(inValues(dialect, 'locations.key', query.keys));
  }
  const rows = await select.execute();
  return rows.map((row) => {
    const summary: LocationSummary = {
      locationKey: row.key,
      location: JSON.parse(row.attributes) as Location,
      certificates: Number(row.certificates),
      keys: Number(row.keys),
      firstSeen: new Date(Number(row.first_seen)),
      lastSeen: new Date(Number(row.last_seen)),
    };
    if (row.failing_since !== null)
      summary.unreachable = {
        since: new Date(Number(row.failing_since)),
        probes: Number(row.probe_failures),
        code: row.last_failure ?? 'failed',
      };
    return summary;
  });
}
