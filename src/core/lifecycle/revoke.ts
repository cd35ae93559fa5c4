/**
 * Revoke after replace: revisions marked for revocation (key compromise, ownership change) are revoked only once
 * a newer revision is current, deployed and served by every verification endpoint, so the revocation never takes
 * the site down.
 */
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import type { ManagedStatus, RevokeAfterReady } from '../managed/managed-status.js';
import { destinationsKey, endpointsKey } from '../managed/spec-keys.js';
import { isTrue } from './conditions.js';

export interface RevokeInput {
  spec: ManagedCertificateSpec;
  status: ManagedStatus;
}

export type RevokeAction = { kind: 'revoke'; revisions: RevokeAfterReady[] } | null;

export function decideRevoke({ spec, status }: RevokeInput): RevokeAction {
  const { revision, deployed, verified } = status;
  if (status.revokeAfterReady.length === 0 || revision === null || status.pending !== null) return null;
  if (isTrue(status.conditions, 'Issuing')) return null;
  // The current revision is itself to be revoked: its replacement has not been issued yet.
  if (status.revokeAfterReady.some((r) => r.revision === revision)) return null;
  if (deployed === null || deployed.revision !== revision || deployed.destinations !== destinationsKey(spec))
    return null;
  if (verified === null || verified.revision !== revision || verified.endpoints !== endpointsKey(spec))
    return null;
  if (status.staleEndpoints.length > 0) return null;
  return { kind: 'revoke', revisions: status.revokeAfterReady };
}
