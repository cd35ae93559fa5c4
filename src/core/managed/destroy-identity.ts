/**
 * `custos identities destroy NAME`: a workload or device is gone for good. Every managed certificate of the
 * identity is torn down as `managed delete --revoke` does (each revision revoked with reason cessationOfOperation,
 * its files removed from every destination, its endpoints probed until none serves it); every other certificate
 * the built-in CA issued for the identity is revoked too; then the Identity is deleted with `identity.destroyed`
 * (what was revoked, removed and still served) and `object.deleted` in one transaction.
 */
import { DomainError } from '../errors.js';
import { deleteManaged, type DeleteResult, type StillServed } from './delete-managed.js';
import { managedSpecs } from './load-managed.js';
import type { ManagedDependencies } from './managed-dependencies.js';

export interface DestroyIdentityResult {
  identity: string;
  /** The managed certificates torn down. */
  managed: DeleteResult[];
  /** Fingerprints of every certificate revoked (managed revisions and other issuances for the identity). */
  revoked: string[];
  /** Declared endpoints still serving one of its revisions afterwards (the teardown did not reach them). */
  stillServed: Array<StillServed & { managed: string }>;
}

export async function destroyIdentity(
  deps: Pick<
    ManagedDependencies,
    'store' | 'clock' | 'actor' | 'issuers' | 'destinations' | 'prober' | 'sleep'
  >,
  name: string,
  options: { tries?: number; pauseMs?: number } = {},
): Promise<DestroyIdentityResult> {
  const identities = await deps.store.objects.list('Identity');
  if (!identities.some((o) => o.object.metadata.name === name))
    throw new DomainError('CUSTOS_NOT_FOUND', `No Identity is named "${name}".`, {
      hint: 'List them with `custos get identities`.',
    });
  const managed: DeleteResult[] = [];
  for (const m of await managedSpecs(deps.store.objects)) {
    if (m.spec.identity !== name) continue;
    managed.push(await deleteManaged(deps, m.name, { revoke: true, ...options }));
  }
  const revoked = new Set(managed.flatMap((m) => m.revoked));
  // Certificates the built-in CA issued for the identity outside managed certificates (`cert issue --identity`).
  for (const s of await deps.store.inventory.openSightings()) {
    if (s.location.kind !== 'issued' || s.location.identity !== name || s.object.type !== 'certificate')
      continue;
    const fingerprint = s.object.fingerprintSha256;
    const issuer = deps.issuers.get(s.location.authority);
    if (revoked.has(fingerprint) || issuer === undefined) continue;
    await issuer.revoke(fingerprint, 'cessationOfOperation');
    revoked.add(fingerprint);
  }
  const stillServed = managed.flatMap((m) => m.stillServed.map((s) => ({ ...s, managed: m.name })));
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    await tx.objects.remove('Identity', name);
    const subject = `Identity/${name}`;
    await tx.appendAudit([
      {
        type: 'identity.destroyed',
        actor: deps.actor,
        subject,
        at: now,
        data: {
          managed: managed.map((m) => ({ name: m.name, revoked: m.revoked, destinations: m.destinations })),
          revoked: [...revoked],
          stillServed,
        },
      },
      { type: 'object.deleted', actor: deps.actor, subject, at: now, data: { kind: 'Identity', name } },
    ]);
  });
  return { identity: name, managed, revoked: [...revoked], stillServed };
}
