import type { StoreTransaction } from '../ports/store.js';
import { sightingEnded } from './apply-sightings.js';
import type { Sighting } from './sighting.js';

export interface EndSightingsAtInput {
  actor: string;
  /** The locations whose open sightings end, each with why (`unreachable: ...`, `forgotten`). */
  reasons: ReadonlyMap<string, string>;
  /** Their open sightings, when the caller has just read them in the same transaction. */
  openSightings?: Sighting[];
}

/**
 * Ends every open sighting at these locations inside the caller's transaction (history kept, each `sighting.ended`
 * audited with its reason) and drops what was found wrong with what they served: a location no longer served
 * produces no finding. Returns the certificates whose sightings ended (their evaluations may change).
 */
export async function endSightingsAt(
  tx: StoreTransaction,
  at: Date,
  input: EndSightingsAtInput,
): Promise<string[]> {
  const keys = [...input.reasons.keys()];
  if (keys.length === 0) return [];
  const open = (input.openSightings ?? (await tx.inventory.openSightingsAt(keys))).filter((s) =>
    input.reasons.has(s.locationKey),
  );
  const byReason = new Map<string, Sighting[]>();
  for (const s of open) {
    const reason = input.reasons.get(s.locationKey) as string;
    byReason.set(reason, [...(byReason.get(reason) ?? []), s]);
  }
  for (const [reason, sightings] of byReason) await tx.inventory.endSightings(sightings, at, reason);
  await tx.inventory.replaceServedFindings(keys, [], at);
  await tx.inventory.clearProbeFailures(keys);
  await tx.appendAudit(
    open.map((s) => sightingEnded(input.actor, at, s, input.reasons.get(s.locationKey) as string)),
  );
  return [
    ...new Set(open.flatMap((s) => (s.object.type === 'certificate' ? [s.object.fingerprintSha256] : []))),
  ];
}
