import type { Finding } from './findings/finding.js';
import type { Location, LocationKind } from './inventory/location.js';
import { governance, readGovernance } from './ownership/governance.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { LocationSummary, ServedFinding } from './ports/inventory-store.js';

export interface ListLocationsInput {
  kind?: LocationKind;
  /** Only TLS locations whose last probes failed. */
  unreachable?: boolean;
}

/** A served finding as a location lists it: about its leaf, `waivedBy` when an exception covers the location. */
export type LocationFinding = Omit<ServedFinding, 'locationKey'> & Pick<Finding, 'waivedBy'>;

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
  findings: LocationFinding[];
};

/**
 * The locations with something sighted there now, with what was last found wrong with what each serves; a finding
 * an active exception waives for the leaf at that location (its fingerprint, identity, or an `endpoints` pattern
 * the location matches) carries `waivedBy`, as `inventory list` marks it.
 */
export async function listLocations(
  deps: { store: Store; clock: Clock },
  input: ListLocationsInput,
): Promise<LocationListing[]> {
  const locations = await deps.store.inventory.listLocations(input);
  const served = await deps.store.inventory.servedFindingsAt(
    locations.filter((l) => l.location.kind === 'tls').map((l) => l.locationKey),
  );
  const waived = await waivedServedFindings(deps, locations, served);
  return locations.map((l) => listing(l, waived.get(l.locationKey) ?? []));
}

/** The served findings by location, each judged against the exceptions for its leaf at that location alone. */
async function waivedServedFindings(
  deps: { store: Store; clock: Clock },
  locations: readonly LocationSummary[],
  served: readonly ServedFinding[],
): Promise<Map<string, LocationFinding[]>> {
  const byLocation = new Map<string, LocationFinding[]>();
  if (served.length === 0) return byLocation;
  const governed = governance(await readGovernance(deps.store.objects), deps.clock.now());
  const evaluations = await deps.store.evaluations.evaluationsOf([
    ...new Set(served.map((f) => f.fingerprintSha256)),
  ]);
  const where = new Map(locations.map((l) => [l.locationKey, l.location]));
  // One leaf at one location is judged once, its findings in their order.
  const groups = new Map<string, ServedFinding[]>();
  for (const f of served) {
    const group = `${f.locationKey}\u0000${f.fingerprintSha256}`;
    const list = groups.get(group);
    if (list) list.push(f);
    else groups.set(group, [f]);
  }
  for (const findings of groups.values()) {
    const [first] = findings;
    const location = first === undefined ? undefined : where.get(first.locationKey);
    if (first === undefined || location === undefined) continue;
    const judged = governed.waive(
      findings.map(({ code, severity, message }) => ({ code, severity, message })),
      {
        fingerprintSha256: first.fingerprintSha256,
        identity: evaluations.get(first.fingerprintSha256)?.identity ?? null,
        locations: [location],
      },
    );
    const list = byLocation.get(first.locationKey) ?? [];
    list.push(...judged.map((f) => ({ fingerprintSha256: first.fingerprintSha256, ...f })));
    byLocation.set(first.locationKey, list);
  }
  return byLocation;
}

function listing(l: LocationSummary, findings: LocationFinding[]): LocationListing {
  const view: LocationListing = {
    ...l.location,
    locationKey: l.locationKey,
    certificates: l.certificates,
    keys: l.keys,
    firstSeen: l.firstSeen.toISOString(),
    lastSeen: l.lastSeen.toISOString(),
    findings,
  };
  if (l.unreachable !== undefined) {
    view.unreachableSince = l.unreachable.since.toISOString();
    view.failedProbes = l.unreachable.probes;
    view.lastFailure = l.unreachable.code;
  }
  return view;
}
