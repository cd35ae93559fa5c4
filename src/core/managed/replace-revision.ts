/**
 * Revocation without an outage: a revision of a managed certificate that is still current is not revoked at once
 * but marked, and a replacement with a new key is asked for; the reconciler issues, deploys and verifies it, then
 * revokes the marked revision (src/core/lifecycle/revoke.ts). The audit trail shows the order:
 * `managed.replace-requested`, ..., `managed.ready`, `managed.revoked-after-replace`, `certificate.revoked`.
 */
import { DomainError } from '../errors.js';
import type { Store } from '../ports/store.js';
import type { ManagedDependencies } from './managed-dependencies.js';
import { enqueueReconcile } from './managed-jobs.js';
import type { RevokeAfterReady } from './managed-status.js';
import { verifyEndpoints } from './spec-keys.js';
import { managedSpec } from './load-managed.js';

/** A managed certificate's revision, found by its fingerprint. */
export interface ManagedRevisionRef {
  name: string;
  revision: number;
  fingerprintSha256: string;
  /** It is the current revision (deployed, or being deployed): revoking it now breaks what serves it. */
  current: boolean;
}

/** The managed certificate a fingerprint is a revision of, or null. */
export async function managedRevisionOf(
  store: Pick<Store, 'managed'>,
  fingerprintSha256: string,
): Promise<ManagedRevisionRef | null> {
  for (const status of await store.managed.statuses()) {
    const found = (await store.managed.revisions(status.name)).find(
      (r) => r.fingerprintSha256 === fingerprintSha256,
    );
    if (found !== undefined)
      return {
        name: status.name,
        revision: found.revision,
        fingerprintSha256,
        current: status.revision === found.revision,
      };
  }
  return null;
}

/** What revoking the current revision at once breaks: where it is deployed and the endpoints that serve it. */
export async function whatRevokingBreaks(
  store: Pick<Store, 'objects'>,
  ref: ManagedRevisionRef,
): Promise<{ destinations: string[]; endpoints: string[] }> {
  const { spec } = await managedSpec(store.objects, ref.name);
  return {
    destinations: (spec.destinations ?? []).map((d) =>
      d.file !== undefined
        ? `file:${d.file.certificate}`
        : d.exec !== undefined
          ? `exec:${d.exec.command.join(' ')}`
          : `webhook:${d.webhook === undefined ? '' : new URL(d.webhook.url).host}`,
    ),
    endpoints: verifyEndpoints(spec).map((e) => `${e.host}:${e.port}${e.sni !== null ? ` (${e.sni})` : ''}`),
  };
}

/**
 * Asks for a replacement of the current revision with a new key; with `revokeAfter`, the revision is marked to be
 * revoked (with `reason`) once the replacement is verified live. One transaction: status, audit, reconcile job.
 */
export async function requestReplacement(
  deps: Pick<ManagedDependencies, 'store' | 'clock' | 'actor'>,
  ref: ManagedRevisionRef,
  options: { reason: RevokeAfterReady['reason']; revokeAfter: boolean },
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    const status = await tx.managed.status(ref.name);
    if (status === null || status.revision !== ref.revision)
      throw new DomainError(
        'CUSTOS_MANAGED_CONFLICT',
        `Revision ${ref.revision} of "${ref.name}" is no longer current; nothing was changed.`,
      );
    const mark: RevokeAfterReady = {
      revision: ref.revision,
      fingerprintSha256: ref.fingerprintSha256,
      reason: options.reason,
    };
    const marked = status.revokeAfterReady.some((r) => r.fingerprintSha256 === ref.fingerprintSha256);
    await tx.managed.putStatus({
      ...status,
      renewRequested: true,
      nextRetry: null,
      revokeAfterReady:
        options.revokeAfter && !marked ? [...status.revokeAfterReady, mark] : status.revokeAfterReady,
      updatedAt: now,
    });
    await tx.appendAudit([
      {
        type: 'managed.replace-requested',
        actor: deps.actor,
        subject: `ManagedCertificate/${ref.name}`,
        at: now,
        data: {
          revision: ref.revision,
          fingerprintSha256: ref.fingerprintSha256,
          reason: options.reason,
          revokeAfterReplacement: options.revokeAfter,
        },
      },
    ]);
    await enqueueReconcile(tx.jobs, ref.name, now);
  });
}
