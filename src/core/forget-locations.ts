import { DomainError } from './errors.js';
import { evaluate } from './evaluation/evaluate.js';
import { endSightingsAt } from './inventory/end-sightings-at.js';
import type { LocationSummary } from './ports/inventory-store.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';

export interface ForgetLocationsDeps {
  store: Store;
  clock: Clock;
}

export interface ForgetLocationsInput {
  /**
   * Which locations: a location key as `locations list` prints it (`tls:10.0.0.5:443:`), a file path (the file and
   * the Secrets a manifest declares), or `host:port` (every SNI name probed there).
   */
  selectors: string[];
  actor: string;
}

export interface ForgottenLocation {
  locationKey: string;
  /** Open sightings (certificates and keys) ended there. */
  ended: number;
}

/** The locations a selector names, among those with an open sighting. */
function matching(selector: string, locations: LocationSummary[]): LocationSummary[] {
  return locations.filter((l) => {
    if (l.locationKey === selector) return true;
    const { location } = l;
    if (location.kind === 'file') return location.path === selector;
    if (location.kind === 'tls') {
      const host = location.host.includes(':') ? `[${location.host}]` : location.host;
      return `${host}:${location.port}` === selector;
    }
    return false;
  });
}

/**
 * Forgets mistaken or decommissioned locations: every open sighting there ends (`forgotten`, history kept), what
 * was found wrong with what they served is dropped, and each is audited (`location.forgotten`, `sighting.ended`),
 * all in one transaction. A selector that names no location with an open sighting is CUSTOS_NOT_FOUND and nothing
 * is forgotten.
 */
export async function forgetLocations(
  deps: ForgetLocationsDeps,
  input: ForgetLocationsInput,
): Promise<ForgottenLocation[]> {
  const locations = await deps.store.inventory.listLocations({});
  const chosen = new Map<string, LocationSummary>();
  const unknown: string[] = [];
  for (const selector of input.selectors) {
    const found = matching(selector, locations);
    if (found.length === 0) unknown.push(selector);
    for (const l of found) chosen.set(l.locationKey, l);
  }
  if (unknown.length > 0) {
    throw new DomainError(
      'CUSTOS_NOT_FOUND',
      `no location with something sighted there now: ${unknown.join(', ')}; nothing was forgotten`,
      { hint: 'custos locations list prints the locations (their key, a path or host:port is accepted)' },
    );
  }
  const at = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const keys = [...chosen.keys()];
    const open = await tx.inventory.openSightingsAt(keys);
    const ended = await endSightingsAt(tx, at, {
      actor: input.actor,
      reasons: new Map(keys.map((k) => [k, 'forgotten'])),
      openSightings: open,
    });
    await tx.appendAudit(
      keys.map((key) => ({
        type: 'location.forgotten',
        actor: input.actor,
        subject: key,
        at,
        data: {
          location: chosen.get(key)?.location,
          ended: open.filter((s) => s.locationKey === key).length,
        },
      })),
    );
    await evaluate({ tx, at, actor: input.actor }, ended);
    return keys.map((key) => ({
      locationKey: key,
      ended: open.filter((s) => s.locationKey === key).length,
    }));
  });
}
