/**
 * The reconciler on the job queue: one `managed.reconcile` job per managed certificate that has something to do
 * now, claimed under a lease (a crashed worker's job is claimed again when its lease runs out; several instances
 * on PostgreSQL share the work). Retry times live in the status (backoff with jitter), so a job is only ever
 * enqueued when due and the dedup key keeps one per certificate.
 */
import { drainJobs, type DrainSummary, type JobHandler } from '../jobs/drain-jobs.js';
import type { JobEnqueuer } from '../ports/job-queue.js';
import { deliverTrustBundles, type BundleDeliveryView } from './deliver-trust-bundles.js';
import { managedSpecs } from './load-managed.js';
import type { ManagedDependencies } from './managed-dependencies.js';
import { initialStatus } from './managed-status.js';
import { nextAction } from './next-action.js';
import { reconcileManaged, type ReconcileOptions, type ReconcileOutcome } from './reconcile-managed.js';

export const RECONCILE_JOB = 'managed.reconcile';

/** A reconcile job's lease: short, extended between steps, so a crashed worker's job is claimed again soon. */
export const DEFAULT_LEASE_MS = 30_000;

export const reconcileDedupKey = (name: string): string => `${RECONCILE_JOB}/${name}`;

export function enqueueReconcile(jobs: JobEnqueuer, name: string, at: Date): Promise<boolean> {
  return jobs.enqueue({ kind: RECONCILE_JOB, payload: { name }, dedupKey: reconcileDedupKey(name) }, at);
}

/** Enqueues a reconcile job for every managed certificate with a step due now; returns their names. */
export async function scheduleDue(deps: ManagedDependencies): Promise<string[]> {
  const now = deps.clock.now();
  const statuses = new Map((await deps.store.managed.statuses()).map((s) => [s.name, s]));
  const due: string[] = [];
  for (const { name, spec } of await managedSpecs(deps.store.objects)) {
    const action = nextAction(spec, statuses.get(name) ?? initialStatus(name, now), now);
    if (action.kind === 'wait' || action.kind === 'settled') continue;
    await enqueueReconcile(deps.store.jobs, name, now);
    due.push(name);
  }
  return due;
}

/** The handler of `managed.reconcile` jobs: reconciles the named certificate, extending the lease between steps. */
export function reconcileHandler(
  deps: ManagedDependencies,
  options: ReconcileOptions & { onOutcome?: (outcome: ReconcileOutcome) => void; until?: Date } = {},
): JobHandler {
  return async (job, context) => {
    const name = (job.payload as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return; // a malformed payload: nothing to do, the job completes
    const outcome = await reconcileManaged(deps, name, {
      ...options,
      proceed: async () =>
        (options.until === undefined || deps.clock.now().getTime() < options.until.getTime()) &&
        (await context.extendLease()),
    });
    options.onOutcome?.(outcome);
  };
}

export interface ReconcileRun {
  outcomes: ReconcileOutcome[];
  /** The trust bundles delivered (or found unchanged) in this run. */
  bundles: BundleDeliveryView[];
  jobs: DrainSummary;
}

/**
 * `custos managed reconcile`: schedules what is due and works the queue until nothing is due now (every managed
 * certificate Ready, Failed, or waiting for a retry), or `until` passes.
 */
export async function runReconciler(
  deps: ManagedDependencies,
  input: {
    worker: string;
    until?: Date;
    /** How long a claim holds; extended between steps (default 30 s, so a killed run's work is taken up soon). */
    leaseMs?: number;
    /** How often to look again for work held under another worker's lease (default 1 s). */
    pollMs?: number;
    /** Certificates reconciled at once by this worker (default 1). */
    concurrency?: number;
    reconcile?: ReconcileOptions;
  },
): Promise<ReconcileRun> {
  const outcomes = new Map<string, ReconcileOutcome>();
  // Trust bundles first: a CA that `ca rotate` made is in the bundles before anything it signs is deployed.
  const delivered = await deliverTrustBundles(deps, {
    worker: input.worker,
    ...(input.leaseMs === undefined ? {} : { leaseMs: input.leaseMs }),
  });
  const jobs: DrainSummary = { ...delivered.jobs };
  const handler = reconcileHandler(deps, {
    ...input.reconcile,
    ...(input.until === undefined ? {} : { until: input.until }),
    onOutcome: (o) => outcomes.set(o.name, o),
  });
  const pastUntil = () => input.until !== undefined && deps.clock.now().getTime() >= input.until.getTime();
  for (let round = 0; round < 1_000 && !pastUntil(); round += 1) {
    const due = await scheduleDue(deps);
    if (due.length === 0) break;
    const summary = await drainJobs(
      { jobs: deps.store.jobs, clock: deps.clock, random: deps.random },
      {
        worker: input.worker,
        handlers: { [RECONCILE_JOB]: handler },
        leaseMs: input.leaseMs ?? DEFAULT_LEASE_MS,
        concurrency: input.concurrency ?? 1,
        // A job fails only when a step could not be recorded (database, conflict): soon again.
        backoff: { baseMs: 2_000, maxMs: 5 * 60_000 },
      },
    );
    jobs.completed += summary.completed;
    jobs.retried += summary.retried;
    jobs.failed += summary.failed;
    jobs.lost += summary.lost;
    const worked = summary.completed + summary.retried + summary.failed + summary.lost;
    // Due work that nobody could claim is held under another worker's lease (a live worker, or one that died):
    // wait for it to finish or for the lease to run out, without a deadline only once.
    if (worked === 0) {
      if (input.until === undefined) break;
      await deps.sleep(input.pollMs ?? 1_000);
    }
  }
  return { outcomes: [...outcomes.values()], bundles: delivered.bundles, jobs };
}
