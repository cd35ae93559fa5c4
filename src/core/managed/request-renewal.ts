import type { ManagedDependencies } from './managed-dependencies.js';
import { initialStatus } from './managed-status.js';
import { managedSpec } from './load-managed.js';
import { enqueueReconcile } from './managed-jobs.js';

/**
 * `custos managed renew NAME`: a new revision now, whatever the window. Recorded on the status (with its audit
 * event and a reconcile job) in one transaction, so the request survives until a reconciler acts on it.
 */
export async function requestRenewal(
  deps: Pick<ManagedDependencies, 'store' | 'clock' | 'actor'>,
  name: string,
): Promise<void> {
  await managedSpec(deps.store.objects, name);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    const status = (await tx.managed.status(name)) ?? initialStatus(name, now);
    await tx.managed.putStatus({ ...status, renewRequested: true, nextRetry: null, updatedAt: now });
    await tx.appendAudit([
      {
        type: 'managed.renew-requested',
        actor: deps.actor,
        subject: `ManagedCertificate/${name}`,
        at: now,
        data: {},
      },
    ]);
    await enqueueReconcile(tx.jobs, name, now);
  });
}
