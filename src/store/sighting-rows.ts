import { expressionBuilder, type Expression, type Insertable, type Kysely, type SqlBool } from 'kysely';
import type { Location } from '../core/inventory/location.js';
import type { SightedObject, Sighting } from '../core/inventory/sighting.js';
import type { LocationsTable, SqlDialectName, StoreDatabase } from './schema.js';
import { packedColumns, type PackedColumns } from './packed-rows.js';

export function toLocationRow(location: Location, key: string): Insertable<LocationsTable> {
  return {
    kind: location.kind,
    key,
    attributes: JSON.stringify(location),
    path: location.kind === 'file' ? location.path : null,
    host: location.kind === 'tls' ? location.host : null,
    port: location.kind === 'tls' ? location.port : null,
  };
}

/** The columns a Sighting needs, and the sighting's id. */
const SIGHTING_COLUMNS = [
  'sightings.id',
  'sightings.object_type',
  'sightings.object_hash',
  'sightings.first_seen',
  'sightings.last_seen',
  'sightings.ended_at',
  'sightings.end_reason',
  'locations.key',
  'locations.attributes',
  'locations.probe_failures',
  'locations.failing_since',
  'locations.last_failure',
] as const;

/** Sightings joined with their locations: every column a Sighting needs, and the sighting's id. */
export function selectSightings(db: Kysely<StoreDatabase>) {
  return db
    .selectFrom('sightings')
    .innerJoin('locations', 'locations.id', 'sightings.location_id')
    .select(SIGHTING_COLUMNS);
}

/** The same rows packed into one JSON value each (`packedSightings(dialect).unpack` reads them back): for listings of many sightings. */
export function selectPackedSightings(db: Kysely<StoreDatabase>, dialect: SqlDialectName) {
  return db
    .selectFrom('sightings')
    .innerJoin('locations', 'locations.id', 'sightings.location_id')
    .select(packedSightings(dialect).expression.as('sighting'));
}

const packedSightings = (dialect: SqlDialectName): PackedColumns<SightingRow> =>
  packedColumns<SightingRow>(dialect, SIGHTING_COLUMNS);

/** The sightings of packed rows. */
export function toPackedSightings(dialect: SqlDialectName, rows: Array<{ sighting: unknown }>): Sighting[] {
  const { unpack } = packedSightings(dialect);
  return rows.map((row) => toSighting(unpack(row.sighting)));
}

export type SightingRow = Awaited<ReturnType<ReturnType<typeof selectSightings>['execute']>>[number];

export function toSighting(row: SightingRow): Sighting {
  const sighting: Sighting = {
    location: JSON.parse(row.attributes) as Location,
    locationKey: row.key,
    object: sightedObject(row.object_type, row.object_hash),
    firstSeen: new Date(row.first_seen),
    lastSeen: new Date(row.last_seen),
    endedAt: row.ended_at === null ? null : new Date(row.ended_at),
  };
  if (row.end_reason !== null) sighting.endReason = row.end_reason;
  if (row.failing_since !== null && row.ended_at === null)
    sighting.unreachable = {
      since: new Date(Number(row.failing_since)),
      probes: Number(row.probe_failures),
      code: row.last_failure ?? 'failed',
    };
  return sighting;
}

export function sightedObject(type: 'certificate' | 'key', hash: string): SightedObject {
  return type === 'certificate'
    ? { type: 'certificate', fingerprintSha256: hash }
    : { type: 'key', publicKeySha256: hash };
}

/** Which sightings a query wants: open now, open at a moment, started by a moment, or all. */
export type SightingWindow =
  { kind: 'open' } | { kind: 'open-at'; at: number } | { kind: 'started-by'; at: number } | { kind: 'all' };

/** The window as a condition on the `sightings` table, or null when it keeps every sighting. */
export function sightingWindow(window: SightingWindow): Expression<SqlBool> | null {
  const eb = expressionBuilder<StoreDatabase, 'sightings'>();
  switch (window.kind) {
    case 'open':
      return eb('sightings.ended_at', 'is', null);
    case 'open-at':
      return eb.and([
        eb('sightings.first_seen', '<=', window.at),
        eb.or([eb('sightings.ended_at', 'is', null), eb('sightings.ended_at', '>', window.at)]),
      ]);
    case 'started-by':
      return eb('sightings.first_seen', '<=', window.at);
    case 'all':
      return null;
  }
}

/** The same window as a test on a sighting already read. */
export function inWindow(sighting: Sighting, window: SightingWindow): boolean {
  const firstSeen = sighting.firstSeen.getTime();
  const endedAt = sighting.endedAt?.getTime() ?? null;
  switch (window.kind) {
    case 'open':
      return endedAt === null;
    case 'open-at':
      return firstSeen <= window.at && (endedAt === null || endedAt > window.at);
    case 'started-by':
      return firstSeen <= window.at;
    case 'all':
      return true;
  }
}

/** Orders sightings by location key, then firstSeen. */
export function compareSightings(a: Sighting, b: Sighting): number {
  if (a.locationKey !== b.locationKey) return a.locationKey < b.locationKey ? -1 : 1;
  return a.firstSeen.getTime() - b.firstSeen.getTime();
}
