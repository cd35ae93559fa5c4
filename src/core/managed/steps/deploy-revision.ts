/**
 * The deploy step: the current revision to every destination. Re-running it installs the same files again (the
 * connector keeps the true previous copy), so a crash after some destinations were written only repeats them.
 */
import type { ManagedCertificateSpec } from '../../declarative/kinds/managed-certificate.js';
import { DomainError } from '../../errors.js';
import { REASONS } from '../../lifecycle/reasons.js';
import { retryAt } from '../../lifecycle/retry.js';
import type { DestinationOutcome } from '../../ports/destination.js';
import type { ManagedDependencies } from '../managed-dependencies.js';
import type { ManagedStatus } from '../managed-status.js';
import { deployTo } from '../destinations.js';
import { recordStep } from '../record-status.js';
import { revisionBundle } from '../revision-bundle.js';
import { destinationsKey } from '../spec-keys.js';

/** A destination's outcome as the audit trail keeps it (never the key). */
export const audited = (o: DestinationOutcome) => ({
  target: o.target,
  ok: o.ok,
  files: o.files,
  error: o.error,
  ...(o.http === undefined ? {} : { http: o.http }),
  reload:
    o.reload === null
      ? null
      : {
          command: o.reload.command,
          exitCode: o.reload.exitCode,
          signal: o.reload.signal,
          timedOut: o.reload.timedOut,
          stdout: o.reload.stdout,
          stderr: o.reload.stderr,
          durationMs: o.reload.durationMs,
        },
});

export async function deployRevision(
  deps: ManagedDependencies,
  input: { spec: ManagedCertificateSpec; status: ManagedStatus; revision: number },
): Promise<ManagedStatus> {
  const { spec, status } = input;
  const revision = await deps.store.managed.revision(status.name, input.revision);
  if (revision === null)
    throw new DomainError(
      'CUSTOS_INTERNAL',
      `Revision ${input.revision} of "${status.name}" is not recorded.`,
    );
  const bundle = revisionBundle(revision, deps.secrets);
  const outcomes: DestinationOutcome[] = [];
  for (const destination of spec.destinations ?? [])
    outcomes.push(await deployTo(deps.destinations, destination, bundle));
  const failed = outcomes.filter((o) => !o.ok);
  const now = deps.clock.now();
  const attempts = failed.length === 0 ? 0 : status.attempts + 1;
  const next = failed.length === 0 ? null : retryAt(attempts, now, deps.random);
  return deps.store.transaction((tx) =>
    recordStep(tx, {
      spec,
      status: {
        ...status,
        attempts,
        nextRetry: next,
        ...(failed.length === 0
          ? {
              deployed: { revision: input.revision, destinations: destinationsKey(spec) },
              staleEndpoints: [],
            }
          : {}),
      },
      changes:
        failed.length === 0
          ? []
          : [
              {
                type: 'Ready',
                status: 'False',
                reason: REASONS.DeployFailed,
                message: failed.map((o) => `${o.target}: ${o.error ?? 'failed'}`).join('; '),
              },
            ],
      events: [
        {
          type: failed.length === 0 ? 'managed.deployed' : 'managed.deploy-failed',
          data: {
            revision: input.revision,
            fingerprintSha256: revision.fingerprintSha256,
            destinations: outcomes.map(audited),
            ...(failed.length === 0 ? {} : { attempt: attempts, retryAt: next?.toISOString() ?? null }),
          },
        },
      ],
      actor: deps.actor,
      now,
    }),
  );
}
