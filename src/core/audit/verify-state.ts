import { auditedSpecSha256 } from '../declarative/apply-manifests.js';
import { KINDS, type AnyDeclarativeObject } from '../declarative/objects.js';
import { sightedObjectHash } from '../inventory/sighting.js';
import type { Store } from '../ports/store.js';
import {
  emptyEventState,
  foldEvent,
  sightingId,
  STATE_AREAS,
  type EventState,
  type StateArea,
} from './state-from-events.js';

export interface AreaVerification {
  area: StateArea;
  ok: boolean;
  /** False when the events cannot say what this area should be (see `note`): nothing was compared. */
  checked: boolean;
  /** One line per difference between the stored state and what the events say. */
  mismatches: string[];
  note?: string;
}

export interface StateVerification {
  ok: boolean;
  areas: AreaVerification[];
}

/** The stored state as read through the store ports, in the same shape the events fold into. */
export interface StoredState {
  openSightings: Set<string>;
  owners: Map<string, string | null>;
  assignments: Map<string, string>;
  objects: Map<string, string>;
}

const short = (hash: string) => hash.slice(0, 16);
const show = (owner: string | null | undefined) => (owner == null ? 'no owner' : `"${owner}"`);

function describeSighting(id: string): string {
  const [key, type, hash] = id.split('|') as [string, string, string];
  return `${type} ${short(hash)} at ${key}`;
}

/**
 * Checks that the current state is what the audit events say (`custos audit verify --state`): the open sightings,
 * the reconciled owners, the explicit assignments and the declarative objects (by the hash of their spec) are
 * recomputed from the chain and compared with the tables, so an edit of a state table that wrote no event is
 * caught. Verify the chain itself first (verifyAudit): this check trusts the events it folds.
 */
export async function verifyState(deps: { store: Store }): Promise<StateVerification> {
  const stored = await readStoredState(deps.store);
  const events = emptyEventState();
  for await (const record of deps.store.audit.records()) foldEvent(events, record);
  return compareState(events, stored);
}

export async function readStoredState(store: Store): Promise<StoredState> {
  const [sightings, ownerships, assignments] = await Promise.all([
    store.inventory.openSightings(),
    store.objects.recordedOwnerships(),
    store.objects.assignments(),
  ]);
  const objects = new Map<string, string>();
  for (const kind of KINDS) {
    for (const stored of await store.objects.list(kind)) {
      const object = stored.object as AnyDeclarativeObject;
      objects.set(`${kind}/${object.metadata.name}`, auditedSpecSha256(object));
    }
  }
  return {
    openSightings: new Set(
      sightings.map((s) => sightingId(s.locationKey, s.object.type, sightedObjectHash(s.object))),
    ),
    owners: new Map(ownerships.map((o) => [o.fingerprintSha256, o.owner])),
    assignments: new Map(assignments.map((a) => [a.fingerprintSha256, a.owner])),
    objects,
  };
}

/** Compares area by area; pure. */
export function compareState(events: EventState, stored: StoredState): StateVerification {
  const areas = STATE_AREAS.map((area): AreaVerification => {
    const incomplete = events.incomplete.get(area) ?? 0;
    if (incomplete > 0) {
      return {
        area,
        ok: true,
        checked: false,
        mismatches: [],
        note: `not checked: ${incomplete} ${incomplete === 1 ? 'event was' : 'events were'} written before events carried what this area needs`,
      };
    }
    const mismatches = MISMATCHES[area](events, stored);
    return { area, ok: mismatches.length === 0, checked: true, mismatches };
  });
  return { ok: areas.every((a) => a.ok), areas };
}

const MISMATCHES: Record<StateArea, (events: EventState, stored: StoredState) => string[]> = {
  inventory: (events, stored) => [
    ...[...stored.openSightings]
      .filter((id) => !events.openSightings.has(id))
      .map((id) => `open sighting of ${describeSighting(id)} was not recorded by any sighting.started event`),
    ...[...events.openSightings]
      .filter((id) => !stored.openSightings.has(id))
      .map(
        (id) =>
          `sighting of ${describeSighting(id)} is open by the events but not in the inventory (removed or ended without an event)`,
      ),
  ],
  ownership: (events, stored) =>
    differences(events.owners, stored.owners, null).map(
      ([fingerprint, expected, actual]) =>
        `certificate ${short(fingerprint)} has ${show(actual)} recorded as its owner, but its owner.changed events say ${show(expected)}`,
    ),
  assignments: (events, stored) =>
    differences(events.assignments, stored.assignments, undefined).map(
      ([fingerprint, expected, actual]) =>
        `certificate ${short(fingerprint)} is assigned to ${show(actual)}, but its owner.assigned events say ${show(expected)}`,
    ),
  objects: (events, stored) =>
    differences(events.objects, stored.objects, undefined).map(([name, expected, actual]) =>
      actual === undefined
        ? `${name} was created by the events but is not stored`
        : expected === undefined
          ? `${name} is stored but no object event created it`
          : `${name} is stored with spec sha256 ${short(actual)}, but its last object event says ${short(expected)}`,
    ),
};

/** The keys whose values differ (a key absent on one side counts as `absent`), sorted. */
function differences<V>(
  expected: Map<string, V>,
  actual: Map<string, V>,
  absent: V | undefined,
): Array<[string, V | undefined, V | undefined]> {
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  return keys.flatMap((key): Array<[string, V | undefined, V | undefined]> => {
    const e = expected.has(key) ? expected.get(key) : absent;
    const a = actual.has(key) ? actual.get(key) : absent;
    return e === a ? [] : [[key, e, a]];
  });
}
