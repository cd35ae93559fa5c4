import { sql } from 'kysely';
import { locationKey, type Location } from '../core/inventory/location.js';
import { sightedObjectHash, type SightedObject, type Sighting } from '../core/inventory/sighting.js';
import { chunked, KEYS_PER_READ, pathRange, ROWS_PER_SLICE } from './chunks.js';
import { selectSightings, toLocationRow, toSighting, type SightingRow } from './sighting-rows.js';
import type { StoreContext } from './store-context.js';
import { inValues } from './value-lists.js';

/** One object at one location, as the transaction methods name it. */
export interface SightingRef {
  locationKey: string;
  object: SightedObject;
}

function refId(locationKey: string, type: string, hash: string): string {
  return `${type}\u0000${hash}\u0000${locationKey}`;
}

export async function startSightings(
  ctx: StoreContext,
  sightings: Array<{ location: Location; object: SightedObject }>,
  at: number,
): Promise<void> {
  const locations = new Map<string, Location>();
  const refs = new Map<string, SightingRef>();
  for (const { location, object } of sightings) {
    const key = locationKey(location);
    locations.set(key, location);
    refs.set(refId(key, object.type, sightedObjectHash(object)), { locationKey: key, object });
  }
  if (refs.size === 0) return;
  // A slice at a time (rows made, written, ids read back), so that a first scan's 100,000 locations do not hold the
  // event loop for a second.
  for (const slice of chunked([...locations], ROWS_PER_SLICE))
    await ctx.rows.insertLocations(slice.map(([key, location]) => toLocationRow(location, key)));
  const ids = await locationIds(ctx, [...locations.keys()]);
  for (const slice of chunked([...refs.values()], ROWS_PER_SLICE)) {
    await ctx.rows.insertSightings(
      slice.map(({ locationKey: key, object }) => ({
        location_id: ids.get(key) as number,
        object_type: object.type,
        object_hash: sightedObjectHash(object),
        first_seen: at,
        last_seen: at,
      })),
    );
  }
}

async function locationIds(ctx: StoreContext, keys: string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const slice of chunked(keys, KEYS_PER_READ)) {
    const rows = await ctx.db
      .selectFrom('locations')
      .select(['id', 'key'])
      .where(inValues(ctx.dialect, 'key', slice))
      .execute();
    for (const row of rows) ids.set(row.key, row.id);
  }
  return ids;
}

/**
 * A transaction reads open sightings to decide what to start, touch and end. On PostgreSQL it first takes a lock
 * held until it commits, so two scans at once decide one after the other, each from what the other committed (as
 * SQLite's write lock, taken at BEGIN IMMEDIATE, already makes them). Without it both would start the same
 * sightings and write their discovery twice.
 */
async function lockSightings(ctx: StoreContext): Promise<void> {
  if (ctx.dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext('custos.sightings.' || current_schema()))`.execute(
      ctx.db,
    );
}

/** Open sighting rows at the locations with these keys. */
async function openRowsAt(ctx: StoreContext, keys: string[]): Promise<SightingRow[]> {
  if (keys.length === 0) return [];
  return selectSightings(ctx.db)
    .where(inValues(ctx.dialect, 'locations.key', [...new Set(keys)]))
    .where('sightings.ended_at', 'is', null)
    .execute();
}

export async function openSightingsAt(ctx: StoreContext, keys: string[]): Promise<Sighting[]> {
  await lockSightings(ctx);
  return (await openRowsAt(ctx, keys)).map(toSighting);
}

export async function openFileSightingsUnder(ctx: StoreContext, roots: string[]): Promise<Sighting[]> {
  await lockSightings(ctx);
  const byId = new Map<number, SightingRow>();
  for (const root of new Set(roots)) {
    const { exact, under, below } = pathRange(root);
    const rows = await selectSightings(ctx.db)
      .where('locations.kind', '=', 'file')
      .where('locations.path', '>=', exact)
      .where('locations.path', '<', below)
      .where((eb) => eb.or([eb('locations.path', '=', exact), eb('locations.path', '>=', under)]))
      .where('sightings.ended_at', 'is', null)
      .execute();
    for (const row of rows) byId.set(row.id, row);
  }
  return [...byId.values()].map(toSighting);
}

/**
 * Sets a column on the open sightings named by `refs`, set-based: one SELECT finds the open sightings at their
 * locations, one UPDATE changes those named (not one statement per sighting).
 */
async function updateOpen(
  ctx: StoreContext,
  refs: SightingRef[],
  set: { last_seen: number } | { ended_at: number; end_reason: string },
): Promise<void> {
  if (refs.length === 0) return;
  const wanted = new Set(
    refs.map((ref) => refId(ref.locationKey, ref.object.type, sightedObjectHash(ref.object))),
  );
  const rows = await openRowsAt(
    ctx,
    refs.map((ref) => ref.locationKey),
  );
  const ids = rows
    .filter((row) => wanted.has(refId(row.key, row.object_type, row.object_hash)))
    .map((row) => row.id);
  if (ids.length === 0) return;
  await ctx.db
    .updateTable('sightings')
    .set(set)
    .where(inValues(ctx.dialect, 'sightings.id', ids))
    .execute();
}

/** Sets lastSeen on every open sighting at these locations in one statement, without reading them first. */
export async function touchOpenSightingsAt(ctx: StoreContext, keys: string[], at: number): Promise<void> {
  if (keys.length === 0) return;
  await ctx.db
    .updateTable('sightings')
    .set({ last_seen: at })
    .where('ended_at', 'is', null)
    .where('location_id', 'in', (eb) =>
      eb
        .selectFrom('locations')
        .select('id')
        .where(inValues(ctx.dialect, 'key', [...new Set(keys)])),
    )
    .execute();
}

export function touchSightings(ctx: StoreContext, refs: SightingRef[], at: number): Promise<void> {
  return updateOpen(ctx, refs, { last_seen: at });
}

export function endSightings(
  ctx: StoreContext,
  refs: SightingRef[],
  at: number,
  reason: string,
): Promise<void> {
  return updateOpen(ctx, refs, { ended_at: at, end_reason: reason });
}
