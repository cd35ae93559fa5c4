import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { governance, readGovernance } from './governance.js';
import { reconcileOwnership, type OwnerChange } from './reconcile-ownership.js';

/**
 * After a scan, records the owner of every certificate it brought in, so that a new certificate's first owner
 * (and an owner that changed because a certificate moved) is an audit event at discovery, not at the next apply.
 * Nothing to do while no rule, identity or assignment exists.
 */
export async function reconcileOwnershipAfterScan(
  deps: { store: Store; clock: Clock },
  actor: string,
): Promise<OwnerChange[]> {
  const objects = await readGovernance(deps.store.objects);
  if (objects.rules.length === 0 && objects.identities.length === 0 && objects.assignments.length === 0)
    return [];
  const at = deps.clock.now();
  const entries = await deps.store.inventory.listCertificates({});
  const { resolveOwner } = governance(objects, at);
  return deps.store.transaction((tx) => reconcileOwnership(tx, { resolveOwner, entries, at, actor }));
}
