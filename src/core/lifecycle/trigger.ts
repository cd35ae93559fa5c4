/**
 * Trigger: is a new revision due? An ordered chain of named checks (cert-manager's trigger policies): the first that
 * has something to say gives the reason. Nothing is due while an issuance is already under way, or after one failed
 * for good until the spec changes or a renewal is asked for.
 */
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import type { ManagedStatus } from '../managed/managed-status.js';
import { issuedFor } from '../managed/spec-keys.js';
import { isTrue } from './conditions.js';
import { REASONS, type Decision } from './reasons.js';

export interface TriggerInput {
  spec: ManagedCertificateSpec;
  status: ManagedStatus;
  now: Date;
}

type Check = (input: TriggerInput) => Decision | null;

const doesNotExist: Check = ({ status }) =>
  status.revision === null
    ? { reason: REASONS.DoesNotExist, message: 'No revision has been issued yet.' }
    : null;

const specChanged: Check = ({ spec, status }) =>
  status.issuedFor !== issuedFor(spec)
    ? {
        reason: REASONS.SpecChanged,
        message: `The names, key or issuer changed since revision ${status.revision ?? 0} was issued.`,
      }
    : null;

const manuallyTriggered: Check = ({ status }) =>
  status.renewRequested ? { reason: REASONS.ManuallyTriggered, message: 'Renewal was asked for.' } : null;

const renewalDue: Check = ({ status, now }) =>
  status.renewalTime !== null && status.renewalTime.getTime() <= now.getTime()
    ? {
        reason: REASONS.Renewing,
        message: `Revision ${status.revision ?? 0} was due for renewal at ${status.renewalTime.toISOString()}.`,
      }
    : null;

export const TRIGGER_CHECKS: readonly Check[] = [doesNotExist, specChanged, manuallyTriggered, renewalDue];

export function decideTrigger(input: TriggerInput): Decision | null {
  const { status, spec } = input;
  if (status.pending !== null || isTrue(status.conditions, 'Issuing')) return null;
  if (status.failedFor !== null && status.failedFor === issuedFor(spec) && !status.renewRequested)
    return null;
  for (const check of TRIGGER_CHECKS) {
    const decision = check(input);
    if (decision !== null) return decision;
  }
  return null;
}
