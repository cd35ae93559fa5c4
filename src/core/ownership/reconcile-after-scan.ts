import type { DecisionChange } from '../policy/compliance-decisions.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { InventoryEntry } from '../ports/inventory-store.js';
import { governance, readGovernance } from './governance.js';
import { reconcilePolicyDecisions } from './reconcile-decisions.js';
import { reconcileOwnership, type OwnerChange } from './reconcile-ownership.js';

/** Up to this many changed certificates are read one by one; more, and one listing of the inventory is cheaper. */
const READ_ONE_BY_ONE = 256;

/**
 * After a scan, records the owner and the compliance decisions of the certificates whose sightings the scan started
 * or ended, so that a new certificate's first owner, an owner that changed because a certificate moved, and a
 * policy violation seen for the first time are audit events at discovery, not at the next apply. A rescan that
 * changed nothing judges nothing (an unchanged tree of 100,000 files costs no listing). Policies compiled once,
 * one transaction. Ownership is skipped while no rule, identity or assignment exists.
 */
export async function reconcileOwnershipAfterScan(
  deps: { store: Store; clock: Clock },
  actor: string,
  changedCertificates: readonly string[],
): Promise<{ ownerChanges: OwnerChange[]; decisionChanges: DecisionChange[] }> {
  if (changedCertificates.length === 0) return { ownerChanges: [], decisionChanges: [] };
  const objects = await readGovernance(deps.store.objects);
  const owned = objects.rules.length > 0 || objects.identities.length > 0 || objects.assignments.length > 0;
  const at = deps.clock.now();
  const entries = await changedEntries(deps.store, changedCertificates);
  const judged = governance(objects, at);
  return deps.store.transaction(async (tx) => {
    const ownerChanges = owned
      ? await reconcileOwnership(tx, { resolveOwner: judged.resolveOwner, entries, at, actor })
      : [];
    const decisionChanges = await reconcilePolicyDecisions(tx, { governance: judged, entries, at, actor });
    return { ownerChanges, decisionChanges };
  });
}

async function changedEntries(store: Store, fingerprints: readonly string[]): Promise<InventoryEntry[]> {
  if (fingerprints.length <= READ_ONE_BY_ONE) {
    const listed = await Promise.all(
      fingerprints.map((fingerprintPrefix) => store.inventory.listCertificates({ fingerprintPrefix })),
    );
    return listed.flat();
  }
  const wanted = new Set(fingerprints);
  return (await store.inventory.listCertificates({})).filter((e) =>
    wanted.has(e.certificate.fingerprintSha256),
  );
}
