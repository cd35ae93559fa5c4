import type { Location, LocationKind } from './inventory/location.js';
import type { Store } from './ports/store.js';
import type { LocationSummary, ServedFinding } from './ports/inventory-store.js';

export interface ListLocationsInput {
  kind?: LocationKind;
  /** Only TLS locations whose last probes failed. */
  unreachable?: boolean;
}

/** A location as `locations list --json` prints it: the contract of that output (times ISO 8601 UTC). */
export type LocationListing = Location & {
  /** The canonical key: what `locations forget` takes. */
  locationKey: string;
  certificates: number;
  keys: number;
  firstSeen: string;
  lastSeen: string;
  /** A TLS location whose last probes failed: since when, how many in a row, and the last failure's code. */
  unreachableSince?: string;
  failedProbes?: number;
  lastFailure?: string;
  /** What was found wrong with what it served at its last answered probe (its leaf by fingerprint). */
  findings: Array<Omit<ServedFinding, 'locationKey'>>;
};

/** The locations with something sighted there now, with what was last found wrong with what each serves. */
export async function listLocations(
  deps: { store: Store },
  input: ListLocationsInput,
): Promise<LocationListing[]> {
  const locations = await deps.store.inventory.listLocations(input);
  const served = await deps.store.inventory.servedFindingsAt(
    locations.filter((l) => l.location.kind === 'tls').map((l) => l.locationKey),
  );
  return locations.map((l) => listing(l, served));
}

function listing(l: LocationSummary, served: ServedFinding[]): LocationListing {
  const view: LocationListing = {
    ...l.location,
    locationKey: l.locationKey,
    certificates: l.certificates,
    keys: l.keys,
    firstSeen: l.firstSeen.toISOString(),
    lastSeen: l.lastSeen.toISOString(),
    findings: served
      .filter((f) => f.locationKey === l.locationKey)
      .map(({ locationKey: _, ...finding }) => finding),
  };
  if (l.unreachable !== undefined) {
    view.unreachableSince = l.unreachable.since.toISOString();
    view.failedProbes = l.unreachable.probes;
    view.lastFailure = l.unreachable.code;
  }
  return view;
}
