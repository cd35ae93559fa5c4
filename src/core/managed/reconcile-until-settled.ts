/**
 * `custos managed reconcile` and `POST /v1/managed/reconcile`: the reconciler in the foreground until every managed
 * certificate has settled (Ready, DeployedPartially waiting for its retry, or Failed), or the timeout runs out —
 * then CUSTOS_MANAGED_NOT_SETTLED when some are not Ready (steps already recorded stay recorded).
 */
import type { DrainSummary } from '../jobs/drain-jobs.js';
import type { BundleDeliveryView } from './deliver-trust-bundles.js';
import { DomainError } from '../errors.js';
import type { ManagedDependencies } from './managed-dependencies.js';
import { runReconciler } from './managed-jobs.js';
import { counted } from '../plural.js';

/** One managed certificate as `managed reconcile --json` prints it. */
export interface ReconciledView {
  name: string;
  /** What this run did with it, or `settled` when it had nothing to do. */
  state: string;
  ready: string;
  reason: string;
  revision: number | null;
  nextRunAt: string | null;
}

export interface ReconcileReport {
  managed: ReconciledView[];
  /** The trust bundles (TrustBundle objects) delivered, or found unchanged, in this run. */
  bundles: BundleDeliveryView[];
  jobs: DrainSummary;
}

export async function reconcileUntilSettled(
  deps: ManagedDependencies,
  input: { worker: string; timeoutMs: number; timeout: string },
): Promise<ReconcileReport> {
  const until = new Date(deps.clock.now().getTime() + input.timeoutMs);
  const run = await runReconciler(deps, { worker: input.worker, until });
  const statuses = await deps.store.managed.statuses();
  const timedOut = deps.clock.now().getTime() >= until.getTime();
  const managed = statuses.map((s): ReconciledView => {
    const ready = s.conditions.find((c) => c.type === 'Ready');
    const outcome = run.outcomes.find((o) => o.name === s.name);
    return {
      name: s.name,
      state: outcome?.state ?? 'settled',
      ready: ready?.status ?? 'Unknown',
      reason: ready?.reason ?? 'NotReconciled',
      revision: s.revision,
      nextRunAt: (outcome?.nextRunAt ?? s.nextRetry ?? s.renewalTime)?.toISOString() ?? null,
    };
  });
  const notReady = managed.filter((m) => m.ready !== 'True').length;
  if (timedOut && notReady > 0)
    throw new DomainError(
      'CUSTOS_MANAGED_NOT_SETTLED',
      `The reconciler ran out of time (${input.timeout}); ${counted(notReady, 'managed certificate')} not Ready.`,
      { hint: 'Steps already recorded stay recorded: run it again, or give a longer --timeout.' },
    );
  return { managed, bundles: run.bundles, jobs: run.jobs };
}
