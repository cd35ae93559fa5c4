/**
 * Reconciles one managed certificate: asks the concerns for the next action, runs that one step (each step records
 * its status and audit in its own transaction), and goes on until the certificate settles — Ready (or Failed) until
 * its renewal time, or waiting for the retry of a failed or partial step. A crash anywhere resumes from the
 * persisted status.
 */
import type { ManagedDependencies } from './managed-dependencies.js';
import { initialStatus, type ManagedStatus } from './managed-status.js';
import { managedSpecs } from './load-managed.js';
import { nextAction } from './next-action.js';
import { deployRevision } from './steps/deploy-revision.js';
import { issueRevision } from './steps/issue-revision.js';
import { revokeReplaced } from './steps/revoke-replaced.js';
import { startIssuing } from './steps/start-issuing.js';
import { verifyRevision, type VerifyOptions } from './steps/verify-revision.js';

export interface ReconcileOutcome {
  name: string;
  /** `settled`: nothing to do before `nextRunAt` (the renewal time); `waiting`: a retry at `nextRunAt`. */
  state: 'settled' | 'waiting' | 'deleted' | 'interrupted';
  nextRunAt: Date | null;
  status: ManagedStatus | null;
  steps: number;
}

export interface ReconcileOptions {
  verify?: VerifyOptions;
  /** Called between steps; false stops (a lost lease, a deadline): the next run resumes from the status. */
  proceed?: () => Promise<boolean>;
  /** At most this many steps in one run (default 12): a guard against a loop. */
  maxSteps?: number;
}

export async function reconcileManaged(
  deps: ManagedDependencies,
  name: string,
  options: ReconcileOptions = {},
): Promise<ReconcileOutcome> {
  const entry = (await managedSpecs(deps.store.objects)).find((m) => m.name === name);
  if (entry === undefined) return { name, state: 'deleted', nextRunAt: null, status: null, steps: 0 };
  const { spec } = entry;
  let status = (await deps.store.managed.status(name)) ?? initialStatus(name, deps.clock.now());
  const maxSteps = options.maxSteps ?? 12;
  for (let steps = 0; steps < maxSteps; steps += 1) {
    if (steps > 0 && options.proceed !== undefined && !(await options.proceed()))
      return { name, state: 'interrupted', nextRunAt: null, status, steps };
    const action = nextAction(spec, status, deps.clock.now());
    switch (action.kind) {
      case 'trigger':
        status = await startIssuing(deps, { spec, status, decision: action.decision });
        break;
      case 'issue':
        status = await issueRevision(deps, { spec, status, reuseCurrentKey: action.reuseCurrentKey });
        break;
      case 'deploy':
        status = await deployRevision(deps, { spec, status, revision: action.revision });
        break;
      case 'verify':
        status = await verifyRevision(deps, { spec, status, ...action }, options.verify);
        break;
      case 'revoke':
        status = await revokeReplaced(deps, { spec, status, revisions: action.revisions });
        break;
      case 'wait':
        return { name, state: 'waiting', nextRunAt: action.until, status, steps };
      case 'settled':
        return { name, state: 'settled', nextRunAt: action.renewalTime, status, steps };
    }
  }
  return { name, state: 'interrupted', nextRunAt: null, status, steps: maxSteps };
}
