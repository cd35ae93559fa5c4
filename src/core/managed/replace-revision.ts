/**
 * Revocation without an outage: a revision of a managed certificate that is still current is not revoked at once
 * but marked, and a replacement with a new key is asked for; the reconciler issues, deploys and verifies it, then
 * revokes the marked revision (src/core/lifecycle/revoke.ts). The audit trail shows the order:
 * `managed.replace-requested`, ..., `managed.ready`, `managed.revoked-after-replace`, `certificate.revoked`.
 */
import { DomainError } from '../errors.js';
import type { Store, StoreTransaction } from '../ports/store.js';
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
    await markForReplacement(tx, {
      name: ref.name,
      revoke: options.revokeAfter
        ? [{ revision: ref.revision, fingerprintSha256: ref.fingerprintSha256, reason: options.reason }]
        : [],
      reason: options.reason,
      at: now,
      actor: deps.actor,
    });
  });
}

/**
 * Within a transaction: a managed certificate's replacement is asked for (`renewRequested`, a reconcile job) and
 * the revisions given are marked for revocation once it is live; audited as `managed.replace-requested`.
 */
export async function markForReplacement(
  tx: StoreTransaction,
  input: {
    name: string;
    revoke: RevokeAfterReady[];
    reason: RevokeAfterReady['reason'];
    at: Date;
    actor: string;
  },
): Promise<void> {
  const status = await tx.managed.status(input.name);
  if (status === null || status.revision === null) return;
  const marked = new Set(status.revokeAfterReady.map((r) => r.fingerprintSha256));
  const added = input.revoke.filter((r) => !marked.has(r.fingerprintSha256));
  await tx.managed.putStatus({
    ...status,
    renewRequested: true,
    nextRetry: null,
    revokeAfterReady: [...status.revokeAfterReady, ...added],
    updatedAt: input.at,
  });
  await tx.appendAudit([
    {
      type: 'managed.replace-requested',
      actor: input.actor,
      subject: `ManagedCertificate/${input.name}`,
      at: input.at,
      data: {
        revision: status.revision,
        fingerprintSha256: status.fingerprintSha256,
        reason: input.reason,
        revokeAfterReplacement: input.revoke.map((r) => ({
          revision: r.revision,
          fingerprintSha256: r.fingerprintSha256,
        })),
      },
    },
  ]);
  await enqueueReconcile(tx.jobs, input.name, input.at);
}

/**
 * An Identity's owner changed: each of its managed certificates that has a revision is re-issued with a new key
 * (under the new owner, which follows the identity) and every revision so far revoked (affiliationChanged) once
 * the replacement is verified live. Runs in the transaction that stores the identity.
 */
export async function replaceForOwnerChange(
  tx: StoreTransaction,
  input: { identity: string; at: Date; actor: string },
): Promise<string[]> {
  const replaced: string[] = [];
  for (const stored of await tx.objects.list('ManagedCertificate')) {
    if (stored.object.spec.identity !== input.identity) continue;
    const name = stored.object.metadata.name;
    const revisions = await tx.managed.revisions(name);
    if (revisions.length === 0) continue;
    await markForReplacement(tx, {
      name,
      revoke: revisions.map((r) => ({
        revision: r.revision,
        fingerprintSha256: r.fingerprintSha256,
        reason: 'affiliationChanged',
      })),
      reason: 'affiliationChanged',
      at: input.at,
      actor: input.actor,
    });
    replaced.push(name);
  }
  return replaced;
}
