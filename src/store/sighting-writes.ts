import { locationKey, type Location } from '../core/inventory/location.js';
import { sightedObjectHash, type SightedObject, type Sighting } from '../core/inventory/sighting.js';
import { chunked, inListSize, pathRange, rowsPerInsert } from './chunks.js';
import {
  LOCATION_COLUMNS,
  SIGHTING_COLUMNS,
  selectSightings,
  toLocationRow,
  toSighting,
  type SightingRow,
} from './sighting-rows.js';
import type { StoreContext } from './store-context.js';

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
  const locationRows = [...locations].map(([key, location]) => toLocationRow(location, key));
  for (const rows of chunked(locationRows, rowsPerInsert(ctx.maxParameters, LOCATION_COLUMNS))) {
    await ctx.db
      .insertInto('locations')
      .values(rows)
      .onConflict((conflict) => conflict.column('key').doNothing())
      .execute();
  }
  const ids = await locationIds(ctx, [...locations.keys()]);
  const sightingRows = [...refs.values()].map(({ locationKey: key, object }) => ({
    location_id: ids.get(key) as number,
    object_type: object.type,
    object_hash: sightedObjectHash(object),
    first_seen: at,
    last_seen: at,
  }));
  for (const rows of chunked(sightingRows, rowsPerInsert(ctx.maxParameters, SIGHTING_COLUMNS))) {
    await ctx.db.insertInto('sightings').values(rows).execute();
  }
}

async function locationIds(ctx: StoreContext, keys: string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const chunk of chunked(keys, inListSize(ctx.maxParameters))) {
    const rows = await ctx.db
      .selectFrom('locations')
      .select(['id', 'key'])
      .where('key', 'in', chunk)
      .execute();
    for (const row of rows) ids.set(row.key, row.id);
  }
  return ids;
}

/** Open sighting rows at the locations with these keys. */
async function openRowsAt(ctx: StoreContext, keys: string[]): Promise<SightingRow[]> {
  const found: SightingRow[] = [];
  for (const chunk of chunked([...new Set(keys)], inListSize(ctx.maxParameters))) {
    const rows = await selectSightings(ctx.db)
      .where('locations.key', 'in', chunk)
      .where('sightings.ended_at', 'is', null)
      .execute();
    found.push(...rows);
  }
  return found;
}

export async function openSightingsAt(ctx: StoreContext, keys: string[]): Promise<Sighting[]> {
  return (await openRowsAt(ctx, keys)).map(toSighting);
}

export async function openFileSightingsUnder(ctx: StoreContext, roots: string[]): Promise<Sighting[]> {
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
 * Sets a column on the open sightings named by `refs`, set-based: one SELECT per chunk of location keys finds the
 * open sightings there, one UPDATE per chunk of ids changes them (not one statement per sighting).
 */
async function updateOpen(
  ctx: StoreContext,
  refs: SightingRef[],
  set: { last_seen: number } | { ended_at: number },
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
  for (const chunk of chunked(ids, inListSize(ctx.maxParameters))) {
    await ctx.db.updateTable('sightings').set(set).where('id', 'in', chunk).execute();
  }
}

export function touchSightings(ctx: StoreContext, refs: SightingRef[], at: number): Promise<void> {
  return updateOpen(ctx, refs, { last_seen: at });
}

export function endSightings(ctx: StoreContext, refs: SightingRef[], at: number): Promise<void> {
  return updateOpen(ctx, refs, { ended_at: at });
}
