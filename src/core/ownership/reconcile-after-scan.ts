import type { DecisionChange } from '../policy/compliance-decisions.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { governance, readGovernance } from './governance.js';
import { reconcilePolicyDecisions } from './reconcile-decisions.js';
import { reconcileOwnership, type OwnerChange } from './reconcile-ownership.js';

/**
 * After a scan, records the owner and the compliance decisions of every certificate in the inventory, so that a new
 * certificate's first owner, an owner that changed because a certificate moved, and a policy violation seen for the
 * first time are audit events at discovery, not at the next apply. One listing, policies compiled once, one
 * transaction. Ownership is skipped while no rule, identity or assignment exists; policies always exist (the
 * default set), so decisions are always reconciled.
 */
export async function reconcileOwnershipAfterScan(
  deps: { store: Store; clock: Clock },
  actor: string,
): Promise<{ ownerChanges: OwnerChange[]; decisionChanges: DecisionChange[] }> {
  const objects = await readGovernance(deps.store.objects);
  const owned = objects.rules.length > 0 || objects.identities.length > 0 || objects.assignments.length > 0;
  const at = deps.clock.now();
  const entries = await deps.store.inventory.listCertificates({});
  const judged = governance(objects, at);
  return deps.store.transaction(async (tx) => {
    const ownerChanges = owned
      ? await reconcileOwnership(tx, { resolveOwner: judged.resolveOwner, entries, at, actor })
      : [];
    const decisionChanges = await reconcilePolicyDecisions(tx, { governance: judged, entries, at, actor });
    return { ownerChanges, decisionChanges };
  });
}
