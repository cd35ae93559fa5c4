import type { ManagedCertificateSpec } from '../../declarative/kinds/managed-certificate.js';
import type { Decision } from '../../lifecycle/reasons.js';
import type { ManagedDependencies } from '../managed-dependencies.js';
import type { ManagedStatus } from '../managed-status.js';
import { recordStep } from '../record-status.js';

/** The trigger's decision recorded: Issuing set with its reason, a renewal request consumed, a past failure cleared. */
export function startIssuing(
  deps: ManagedDependencies,
  input: { spec: ManagedCertificateSpec; status: ManagedStatus; decision: Decision },
): Promise<ManagedStatus> {
  const now = deps.clock.now();
  const { decision } = input;
  return deps.store.transaction((tx) =>
    recordStep(tx, {
      spec: input.spec,
      status: { ...input.status, renewRequested: false, failedFor: null, attempts: 0, nextRetry: null },
      changes: [
        { type: 'Issuing', status: 'True', reason: decision.reason, message: decision.message },
        { type: 'Failed', status: 'False', reason: decision.reason, message: 'A new attempt started.' },
      ],
      events: [{ type: 'managed.issuing', data: { reason: decision.reason, message: decision.message } }],
      actor: deps.actor,
      now,
    }),
  );
}
