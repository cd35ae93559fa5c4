/**
 * Readiness: Ready only when the current revision is deployed to every destination and served by every
 * verification endpoint; DeployedPartially names the endpoints still serving something else. Read from the status
 * the other concerns wrote (cert-manager's readiness controller).
 */
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import type { ManagedStatus, StaleEndpoint } from '../managed/managed-status.js';
import { destinationsKey, endpointsKey } from '../managed/spec-keys.js';
import { conditionOf, isTrue, type ConditionChange } from './conditions.js';
import { REASONS } from './reasons.js';

export interface ReadinessInput {
  spec: ManagedCertificateSpec;
  status: ManagedStatus;
  now: Date;
}

const endpointText = (e: StaleEndpoint): string =>
  `${e.host}:${e.port}${e.sni !== null ? ` (${e.sni})` : ''} serves ${e.servedFingerprint ?? 'nothing readable'}`;

/** The Ready and DeployedPartially conditions the status calls for. */
export function readiness({ spec, status }: ReadinessInput): ConditionChange[] {
  const partially = (value: boolean, message: string): ConditionChange => ({
    type: 'DeployedPartially',
    status: value ? 'True' : 'False',
    reason: value ? REASONS.StaleEndpoints : REASONS.AllEndpointsServe,
    message,
  });
  const notReady = (reason: string, message: string): ConditionChange => ({
    type: 'Ready',
    status: 'False',
    reason,
    message,
  });
  const failed = conditionOf(status.conditions, 'Failed');
  if (status.revision === null) {
    return [
      failed?.status === 'True'
        ? notReady(failed.reason, failed.message)
        : notReady(REASONS.NotIssued, 'No revision has been issued yet.'),
    ];
  }
  const n = status.revision;
  const deployed =
    status.deployed !== null &&
    status.deployed.revision === n &&
    status.deployed.destinations === destinationsKey(spec);
  if (!deployed) {
    const deployFailed =
      status.attempts > 0 && !isTrue(status.conditions, 'Issuing') && status.pending === null;
    return [
      deployFailed
        ? notReady(
            REASONS.DeployFailed,
            `Revision ${n} could not be deployed yet (attempt ${status.attempts}).`,
          )
        : notReady(REASONS.Deploying, `Revision ${n} is being deployed.`),
    ];
  }
  if (status.staleEndpoints.length > 0) {
    const text = status.staleEndpoints.map(endpointText).join('; ');
    return [
      notReady(REASONS.StaleEndpoints, `Revision ${n} is deployed but not served everywhere: ${text}.`),
      partially(true, `Stale: ${text}.`),
    ];
  }
  const verified =
    status.verified !== null &&
    status.verified.revision === n &&
    status.verified.endpoints === endpointsKey(spec);
  if (!verified) return [notReady(REASONS.Verifying, `Revision ${n} is deployed; verifying the endpoints.`)];
  return [
    {
      type: 'Ready',
      status: 'True',
      reason: REASONS.Ready,
      message: `Revision ${n} is deployed and served by every endpoint (${(spec.verify ?? []).length}).`,
    },
    partially(false, 'Every endpoint serves the current revision.'),
  ];
}
