/**
 * `custos managed delete NAME [--revoke]` (issue 12, teardown): every revision revoked with reason
 * cessationOfOperation (with --revoke), the files removed from every destination (each destination's reload runs),
 * the object, its status and revisions deleted with their audit events in one transaction, then every declared
 * endpoint probed: one still serving a revision is named in the result (and in the audit event).
 */
import { removeFrom } from './destinations.js';
import { verifyEndpoints } from './spec-keys.js';
import { issuerNamed } from './issuer-registry.js';
import { managedSpec } from './load-managed.js';
import type { ManagedDependencies } from './managed-dependencies.js';
import { audited } from './steps/deploy-revision.js';
import { observe } from './steps/verify-revision.js';
import type { DestinationOutcome } from '../ports/destination.js';

export interface StillServed {
  host: string;
  port: number;
  sni: string | null;
  revision: number;
  servedFingerprint: string;
}

export interface DeleteResult {
  name: string;
  /** Fingerprints of the revisions revoked (empty without --revoke). */
  revoked: string[];
  destinations: Array<{ target: string; ok: boolean; files: string[]; error: string | null }>;
  /** Declared endpoints that still serve one of its revisions after the teardown. */
  stillServed: StillServed[];
}

export async function deleteManaged(
  deps: Pick<
    ManagedDependencies,
    'store' | 'clock' | 'actor' | 'issuers' | 'destinations' | 'prober' | 'sleep'
  >,
  name: string,
  options: { revoke: boolean; tries?: number; pauseMs?: number },
): Promise<DeleteResult> {
  const { spec } = await managedSpec(deps.store.objects, name);
  const revisions = await deps.store.managed.revisions(name);
  const revoked: string[] = [];
  if (options.revoke && revisions.length > 0) {
    const issuer = issuerNamed(deps.issuers, spec.issuerRef.name);
    for (const r of revisions) {
      await issuer.revoke(r.fingerprintSha256, 'cessationOfOperation');
      revoked.push(r.fingerprintSha256);
    }
  }
  const outcomes: DestinationOutcome[] = [];
  for (const destination of spec.destinations ?? [])
    outcomes.push(await removeFrom(deps.destinations, destination, name));
  const byFingerprint = new Map(revisions.map((r) => [r.fingerprintSha256, r.revision]));
  // A reload takes a moment to reach every worker: an endpoint still serving a revision is probed a few times.
  const serving = async (): Promise<StillServed[]> => {
    const found: StillServed[] = [];
    for (const endpoint of verifyEndpoints(spec)) {
      const { servedFingerprint } = await observe(deps, endpoint);
      const revision = servedFingerprint === null ? undefined : byFingerprint.get(servedFingerprint);
      if (revision !== undefined && servedFingerprint !== null)
        found.push({
          host: endpoint.host,
          port: endpoint.port,
          sni: endpoint.sni,
          revision,
          servedFingerprint,
        });
    }
    return found;
  };
  let stillServed = await serving();
  for (let attempt = 1; attempt < (options.tries ?? 3) && stillServed.length > 0; attempt += 1) {
    await deps.sleep(options.pauseMs ?? 1_000);
    stillServed = await serving();
  }
  const destinations = outcomes.map(audited);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    await tx.managed.remove(name);
    await tx.objects.remove('ManagedCertificate', name);
    const subject = `ManagedCertificate/${name}`;
    await tx.appendAudit([
      {
        type: 'managed.deleted',
        actor: deps.actor,
        subject,
        at: now,
        data: {
          revisions: revisions.map((r) => ({ revision: r.revision, fingerprintSha256: r.fingerprintSha256 })),
          revoked,
          destinations,
          stillServed,
        },
      },
      {
        type: 'object.deleted',
        actor: deps.actor,
        subject,
        at: now,
        data: { kind: 'ManagedCertificate', name },
      },
    ]);
  });
  return {
    name,
    revoked,
    destinations: destinations.map((d) => ({ target: d.target, ok: d.ok, files: d.files, error: d.error })),
    stillServed,
  };
}
