/**
 * Trust bundles as a deployable artefact: every TrustBundle object's bundle (what `custos ca bundle [--ca NAME]`
 * prints) written to its destinations by the reconciler, on the job queue. One `bundle.deliver` job per bundle
 * (the dedup key keeps one; the lease lets one of several servers deliver it), enqueued on every pass: the bundle
 * is computed from the CAs then, so it follows `ca init`, `ca import`, `ca rotate` and a retired CA leaving.
 * Destinations are idempotent by content, so a pass with nothing new writes, reloads and audits nothing; a delivery
 * that wrote is audited `bundle.deployed`, one that failed `bundle.deploy-failed` and retried with backoff.
 */
import { createHash } from 'node:crypto';
import { certificatesPem } from '../../pki/formats/pem-writer.js';
import { trustBundleOf } from '../ca/authority-view.js';
import type { TrustBundleSpec } from '../declarative/kinds/trust-bundle.js';
import { DomainError } from '../errors.js';
import { drainJobs, type DrainSummary, type JobHandler } from '../jobs/drain-jobs.js';
import type {
  BundleDestination,
  BundleOutcome,
  TrustBundleDelivery,
  TrustBundleDestinationSpec,
} from '../ports/destination.js';
import type { ManagedDependencies } from './managed-dependencies.js';
import { audited } from './steps/deploy-revision.js';

export const BUNDLE_JOB = 'bundle.deliver';

/** A failing destination is tried again after 5 s, 10 s, ... then every 15 minutes, for weeks (not given up). */
const BACKOFF = { baseMs: 5_000, maxMs: 15 * 60_000 };
const MAX_ATTEMPTS = 10_000;

/** What one delivery of one bundle came to, as `managed reconcile --json` prints it under `bundles`. */
export interface BundleDeliveryView {
  name: string;
  /** deployed: some destination was written; unchanged: every one held it; empty: no CA yet; failed: see errors. */
  state: 'deployed' | 'unchanged' | 'empty' | 'failed';
  /** SHA-256 of the bundle's PEM text (lower-case hex); null when there was none to compute. */
  sha256: string | null;
  /** The certificates in the bundle. */
  certificates: number;
  destinations: Array<{ target: string; ok: boolean; changed: boolean; error: string | null }>;
  /** Why the bundle could not be computed (an unknown CA). */
  error: string | null;
}

type Deps = Pick<ManagedDependencies, 'store' | 'clock' | 'random' | 'bundleDestinations' | 'actor'>;

/** How many of a bundle's newest audit events are read for what its destinations last accepted. */
const HISTORY = 200;

/**
 * The bundle (SHA-256) each destination last accepted, by target, as the audit trail's `bundle.deployed` and
 * `bundle.deploy-failed` events of this TrustBundle say (each lists the destinations it wrote, with `ok`). A
 * destination not named in the newest HISTORY events is given the bundle again, which an installer takes as it takes
 * any delivery.
 */
async function lastAccepted(deps: Deps, name: string): Promise<Map<string, string>> {
  const records = await deps.store.audit.query({
    subject: `bundle:${name}`,
    type: 'bundle',
    limit: HISTORY,
    newest: true,
  });
  const accepted = new Map<string, string>();
  for (const record of records.reverse()) {
    const data = record.data as { sha256?: unknown; destinations?: unknown };
    if (typeof data.sha256 !== 'string' || !Array.isArray(data.destinations)) continue;
    for (const destination of data.destinations as Array<{ target?: unknown; ok?: unknown }>)
      if (
        typeof destination.target === 'string' &&
        destination.ok === true &&
        !accepted.has(destination.target)
      )
        accepted.set(destination.target, data.sha256);
  }
  return accepted;
}

/** One destination with the kind that delivers it. */
function delivererOf(deps: Deps, destination: TrustBundleDestinationSpec): Deliverer {
  const registry = deps.bundleDestinations;
  if (destination.file !== undefined) return deliverer(registry.file, destination.file);
  if (destination.exec !== undefined) return deliverer(registry.exec, destination.exec);
  if (destination.webhook !== undefined) return deliverer(registry.webhook, destination.webhook);
  throw new DomainError(
    'CUSTOS_INTERNAL',
    'A bundle destination names no kind (the schema admits none such).',
  );
}

interface Deliverer {
  target: string;
  knowsWhatItHolds: boolean;
  deliver(bundle: TrustBundleDelivery): Promise<BundleOutcome>;
}

const deliverer = <C>(destination: BundleDestination<C>, config: C): Deliverer => ({
  target: destination.describe(config),
  knowsWhatItHolds: destination.knowsWhatItHolds,
  deliver: (bundle) => destination.deliver(config, bundle),
});

/**
 * Delivers one bundle to each destination in turn (two entries may name one file), extending the job's lease before
 * each so that a slow reload does not hand the job to another worker; stops when the lease was lost. A destination
 * that cannot tell what it holds is left alone when the bundle is the one it last accepted.
 */
async function deliverTo(
  deps: Deps,
  spec: TrustBundleSpec,
  bundle: TrustBundleDelivery,
  extendLease: () => Promise<boolean>,
): Promise<BundleOutcome[]> {
  const destinations = spec.destinations.map((d) => delivererOf(deps, d));
  const accepted = destinations.every((d) => d.knowsWhatItHolds)
    ? new Map<string, string>()
    : await lastAccepted(deps, bundle.name);
  const outcomes: BundleOutcome[] = [];
  for (const destination of destinations) {
    if (!(await extendLease()))
      throw new DomainError(
        'CUSTOS_DEPLOY_FAILED',
        'The delivery lost its claim to another worker; it goes on there.',
      );
    if (!destination.knowsWhatItHolds && accepted.get(destination.target) === bundle.sha256)
      outcomes.push({
        ok: true,
        changed: false,
        target: destination.target,
        files: [],
        reload: null,
        error: null,
      });
    else outcomes.push(await destination.deliver(bundle));
  }
  return outcomes;
}

async function deliverBundle(
  deps: Deps,
  name: string,
  extendLease: () => Promise<boolean>,
): Promise<BundleDeliveryView | null> {
  const stored = (await deps.store.objects.list('TrustBundle')).find((o) => o.object.metadata.name === name);
  if (stored === undefined) return null; // deleted since the job was queued
  const spec = stored.object.spec;
  let certificates: Uint8Array[];
  try {
    certificates = trustBundleOf(await deps.store.authorities.list(), spec.ca);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'CUSTOS_CA_NOT_FOUND') throw error;
    await audit(deps, name, 'bundle.deploy-failed', { name, ca: spec.ca ?? null, error: error.message });
    return { name, state: 'failed', sha256: null, certificates: 0, destinations: [], error: error.message };
  }
  if (certificates.length === 0)
    return { name, state: 'empty', sha256: null, certificates: 0, destinations: [], error: null };
  const pem = certificatesPem(certificates);
  const sha256 = createHash('sha256').update(pem).digest('hex');
  const outcomes = await deliverTo(deps, spec, { name, sha256, pem }, extendLease);
  const failed = outcomes.some((o) => !o.ok);
  const changed = outcomes.some((o) => o.changed);
  if (failed || changed)
    await audit(deps, name, failed ? 'bundle.deploy-failed' : 'bundle.deployed', {
      name,
      ca: spec.ca ?? null,
      sha256,
      certificates: certificates.map((der) => createHash('sha256').update(der).digest('hex')),
      destinations: outcomes.filter((o) => o.changed || !o.ok).map(audited),
    });
  return {
    name,
    state: failed ? 'failed' : changed ? 'deployed' : 'unchanged',
    sha256,
    certificates: certificates.length,
    destinations: outcomes.map((o) => ({ target: o.target, ok: o.ok, changed: o.changed, error: o.error })),
    error: null,
  };
}

const audit = (deps: Deps, name: string, type: string, data: Record<string, unknown>): Promise<void> =>
  deps.store.transaction((tx) =>
    tx.appendAudit([{ type, actor: deps.actor, subject: `bundle:${name}`, at: deps.clock.now(), data }]),
  );

/**
 * Queues a delivery of every TrustBundle and works those due (a failed one waits for its retry), under `worker`'s
 * leases. Returns what each delivery worked now came to.
 */
export async function deliverTrustBundles(
  deps: Deps,
  input: { worker: string; leaseMs?: number },
): Promise<{ bundles: BundleDeliveryView[]; jobs: DrainSummary }> {
  const now = deps.clock.now();
  const names = (await deps.store.objects.list('TrustBundle')).map((o) => o.object.metadata.name);
  for (const name of names)
    await deps.store.jobs.enqueue(
      { kind: BUNDLE_JOB, payload: { name }, dedupKey: `${BUNDLE_JOB}/${name}`, maxAttempts: MAX_ATTEMPTS },
      now,
    );
  const bundles: BundleDeliveryView[] = [];
  const handler: JobHandler = async (job, context) => {
    const name = (job.payload as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return; // a malformed payload: nothing to do, the job completes
    const view = await deliverBundle(deps, name, () => context.extendLease());
    if (view === null) return;
    bundles.push(view);
    if (view.state === 'failed')
      throw new DomainError(
        'CUSTOS_DEPLOY_FAILED',
        `Trust bundle "${name}": ${view.error ?? view.destinations.map((d) => `${d.target}: ${d.error ?? 'failed'}`).join('; ')}`,
      );
  };
  // Drained even when no bundle is declared: the jobs of deleted bundles complete (nothing to deliver).
  const jobs = await drainJobs(
    { jobs: deps.store.jobs, clock: deps.clock, random: deps.random },
    {
      worker: input.worker,
      handlers: { [BUNDLE_JOB]: handler },
      leaseMs: input.leaseMs ?? 5 * 60_000,
      backoff: BACKOFF,
    },
  );
  // A bundle whose last delivery failed and that waits for its retry is failing still: say so, with the error.
  const worked = new Set(bundles.map((b) => b.name));
  for (const job of await deps.store.jobs.list()) {
    const name = (job.payload as { name?: unknown } | null)?.name;
    if (job.kind !== BUNDLE_JOB || typeof name !== 'string' || worked.has(name) || !names.includes(name))
      continue;
    if (job.status === 'queued' && job.attempts > 0)
      bundles.push({
        name,
        state: 'failed',
        sha256: null,
        certificates: 0,
        destinations: [],
        error: `${job.lastError ?? 'the last delivery failed'} (retried at ${job.runAt.toISOString()})`,
      });
  }
  return { bundles, jobs };
}
