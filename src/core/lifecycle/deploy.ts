/**
 * Deploy: the current revision goes to every destination once it is issued, again when the destinations change;
 * a failed deployment waits for its retry.
 */
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import type { ManagedStatus } from '../managed/managed-status.js';
import { destinationsKey } from '../managed/spec-keys.js';
import { isTrue } from './conditions.js';
import { retryDue } from './retry.js';

export interface DeployInput {
  spec: ManagedCertificateSpec;
  status: ManagedStatus;
  now: Date;
}

export type DeployAction = { kind: 'deploy'; revision: number } | { kind: 'wait'; until: Date } | null;

export function decideDeploy({ spec, status, now }: DeployInput): DeployAction {
  if (status.revision === null || status.pending !== null || isTrue(status.conditions, 'Issuing'))
    return null;
  const deployed = status.deployed;
  if (
    deployed !== null &&
    deployed.revision === status.revision &&
    deployed.destinations === destinationsKey(spec)
  )
    return null;
  if (!retryDue(status.nextRetry, now) && status.nextRetry !== null)
    return { kind: 'wait', until: status.nextRetry };
  return { kind: 'deploy', revision: status.revision };
}
