import { parseDuration } from '../duration.js';
import { DomainError } from '../errors.js';
import { REASONS } from '../lifecycle/reasons.js';
import { renewalTime } from '../lifecycle/renewal-time.js';
import { managedSpec } from './load-managed.js';
import { enqueueReconcile } from './managed-jobs.js';
import type { ManagedDependencies } from './managed-dependencies.js';
import { recordStep } from './record-status.js';

export interface RollbackResult {
  from: number;
  to: number;
  fingerprintSha256: string;
}

/**
 * `custos managed rollback NAME`: the previous revision becomes the current one again (if it is still valid), and
 * the reconciler deploys it to every destination, reloads and verifies it as any revision. An issuance under way
 * is abandoned. The rolled-back revision renews at its own renewal time.
 */
export async function rollbackManaged(
  deps: Pick<ManagedDependencies, 'store' | 'clock' | 'random' | 'actor'>,
  name: string,
): Promise<RollbackResult> {
  const { spec } = await managedSpec(deps.store.objects, name);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const status = await tx.managed.status(name);
    const previous =
      status?.previousRevision === null || status === null
        ? null
        : await tx.managed.revision(name, status.previousRevision);
    if (status === null || status.revision === null || previous === null)
      throw new DomainError(
        'CUSTOS_MANAGED_NO_ROLLBACK',
        `"${name}" has no previous revision to roll back to.`,
      );
    if (previous.notAfter.getTime() <= now.getTime())
      throw new DomainError(
        'CUSTOS_MANAGED_NO_ROLLBACK',
        `Revision ${previous.revision} of "${name}" expired at ${previous.notAfter.toISOString()}; it cannot be rolled back to.`,
        { hint: '`custos managed renew` issues a new revision instead.' },
      );
    const from = status.revision;
    await recordStep(tx, {
      spec,
      status: {
        ...status,
        revision: previous.revision,
        fingerprintSha256: previous.fingerprintSha256,
        previousRevision: from,
        renewalTime: renewalTime({
          notBefore: previous.notBefore,
          notAfter: previous.notAfter,
          renewBeforeMs:
            spec.renewBefore === undefined
              ? null
              : parseDuration(spec.renewBefore, 'renewBefore', { form: 'declared' }),
          random: deps.random,
        }),
        pending: null,
        renewRequested: false,
        deployed: null,
        verified: null,
        staleEndpoints: [],
        attempts: 0,
        nextRetry: null,
      },
      changes: [
        {
          type: 'Issuing',
          status: 'False',
          reason: REASONS.RolledBack,
          message: `Rolled back from revision ${from} to ${previous.revision}.`,
        },
      ],
      events: [
        {
          type: 'managed.rolled-back',
          data: { from, to: previous.revision, fingerprintSha256: previous.fingerprintSha256 },
        },
      ],
      actor: deps.actor,
      now,
    });
    await enqueueReconcile(tx.jobs, name, now);
    return { from, to: previous.revision, fingerprintSha256: previous.fingerprintSha256 };
  });
}
