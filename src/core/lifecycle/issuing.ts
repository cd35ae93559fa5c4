/**
 * Issuing: once the trigger has set Issuing, issue the revision — unless a failed attempt waits for its retry.
 * With `rotationPolicy: Never` the current revision's key is kept; otherwise (Always, the default) a new key.
 */
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import type { ManagedStatus } from '../managed/managed-status.js';
import { isTrue } from './conditions.js';
import { retryDue } from './retry.js';

export interface IssuingInput {
  spec: ManagedCertificateSpec;
  status: ManagedStatus;
  now: Date;
}

export type IssuingAction =
  { kind: 'issue'; reuseCurrentKey: boolean } | { kind: 'wait'; until: Date } | null;

export function decideIssuing({ spec, status, now }: IssuingInput): IssuingAction {
  if (status.pending === null && !isTrue(status.conditions, 'Issuing')) return null;
  if (!retryDue(status.nextRetry, now) && status.nextRetry !== null)
    return { kind: 'wait', until: status.nextRetry };
  // A key to be revoked (compromised, or the previous owner's) is never carried into the replacement.
  const reuseCurrentKey =
    spec.privateKey?.rotationPolicy === 'Never' &&
    status.revision !== null &&
    status.pending === null &&
    !status.revokeAfterReady.some((r) => r.revision === status.revision);
  return { kind: 'issue', reuseCurrentKey };
}
