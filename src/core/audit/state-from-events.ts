import { locationKey, type Location } from '../inventory/location.js';
import type { AuditRecord } from './audit-event.js';

/** An area of state that `audit verify --state` recomputes from the audit events. */
export type StateArea = 'inventory' | 'ownership' | 'assignments' | 'objects';

export const STATE_AREAS: readonly StateArea[] = ['inventory', 'ownership', 'assignments', 'objects'];

/**
 * The state the audit events describe, folded record by record in chain order:
 * - `inventory`: the open sightings, `locationKey|type|hash`, from `sighting.started` less `sighting.ended`;
 * - `ownership`: the reconciled owner per certificate, the `newOwner` of its last `owner.changed`;
 * - `assignments`: the explicit owner per certificate, the `newOwner` of its last `owner.assigned`;
 * - `objects`: the `specSha256` per `Kind/name`, from its last `object.created` or `object.configured`, gone after
 *   its `object.deleted`.
 * An event without the data its area needs (written before events carried it) makes that area unknowable:
 * its count is kept in `incomplete`, and the area is reported as not checked rather than as tampered.
 */
export interface EventState {
  openSightings: Set<string>;
  owners: Map<string, string | null>;
  assignments: Map<string, string>;
  objects: Map<string, string>;
  incomplete: Map<StateArea, number>;
}

export function sightingId(locationKey: string, type: string, hash: string): string {
  return `${locationKey}|${type}|${hash}`;
}

export function emptyEventState(): EventState {
  return {
    openSightings: new Set(),
    owners: new Map(),
    assignments: new Map(),
    objects: new Map(),
    incomplete: new Map(),
  };
}

const isLocation = (value: unknown): value is Location =>
  typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';

/** The location key an event's `data.location` names: a location object, or (for an ended sighting) its key. */
function keyOf(value: unknown, allowKey: boolean): string | null {
  if (isLocation(value)) return locationKey(value);
  return allowKey && typeof value === 'string' ? value : null;
}

const ownerOf = (value: unknown): string | null | undefined =>
  value === null || typeof value === 'string' ? value : undefined;

/** Applies one record to the state; records of other types leave it as it is. */
export function foldEvent(state: EventState, record: AuditRecord): void {
  const { data } = record;
  const incomplete = (area: StateArea): void => {
    state.incomplete.set(area, (state.incomplete.get(area) ?? 0) + 1);
  };
  switch (record.type) {
    case 'sighting.started':
    case 'sighting.ended': {
      const key = keyOf(data.location, record.type === 'sighting.ended');
      if (key === null || typeof data.object !== 'string') return incomplete('inventory');
      const id = sightingId(key, data.object, record.subject);
      if (record.type === 'sighting.started') state.openSightings.add(id);
      else state.openSightings.delete(id);
      return;
    }
    case 'owner.changed': {
      const owner = ownerOf(data.newOwner);
      if (owner === undefined) return incomplete('ownership');
      state.owners.set(record.subject, owner);
      return;
    }
    case 'owner.assigned': {
      if (typeof data.newOwner !== 'string') return incomplete('assignments');
      state.assignments.set(record.subject, data.newOwner);
      return;
    }
    case 'object.created':
    case 'object.configured': {
      const { kind, name, specSha256 } = data;
      if (typeof kind !== 'string' || typeof name !== 'string' || typeof specSha256 !== 'string') {
        return incomplete('objects');
      }
      state.objects.set(`${kind}/${name}`, specSha256);
      return;
    }
    case 'object.deleted': {
      const { kind, name } = data;
      if (typeof kind !== 'string' || typeof name !== 'string') return incomplete('objects');
      state.objects.delete(`${kind}/${name}`);
      return;
    }
    default:
      return;
  }
}
