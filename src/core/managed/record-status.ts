import type { AuditEventInput } from '../audit/audit-event.js';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { conditionOf, withConditions, type ConditionChange } from '../lifecycle/conditions.js';
import { readiness } from '../lifecycle/readiness.js';
import { DomainError } from '../errors.js';
import type { StoreTransaction } from '../ports/store.js';
import type { ManagedStatus } from './managed-status.js';

/**
 * Writes a step's status with the readiness it calls for, and its audit events, in one transaction: a step whose
 * audit cannot be written is not recorded (and is done again, idempotently). A change of Ready is audited too.
 * Optimistic: the status the step started from must still be the stored one (a `managed renew` or `rollback`, or
 * another worker, may have written meanwhile); otherwise CUSTOS_MANAGED_CONFLICT and the step runs again.
 */
export async function recordStep(
  tx: StoreTransaction,
  input: {
    spec: ManagedCertificateSpec;
    status: ManagedStatus;
    changes?: ConditionChange[];
    events: Array<Omit<AuditEventInput, 'actor' | 'subject' | 'at'>>;
    actor: string;
    now: Date;
  },
): Promise<ManagedStatus> {
  const { spec, now } = input;
  const stored = await tx.managed.status(input.status.name);
  if (stored !== null && stored.updatedAt.getTime() !== input.status.updatedAt.getTime())
    throw new DomainError(
      'CUSTOS_MANAGED_CONFLICT',
      `ManagedCertificate "${input.status.name}" changed while a step ran; the step was not recorded.`,
    );
  let status: ManagedStatus = {
    ...input.status,
    conditions: withConditions(input.status.conditions, input.changes ?? [], now),
    updatedAt: now,
  };
  const wasReady = conditionOf(input.status.conditions, 'Ready');
  status = {
    ...status,
    conditions: withConditions(status.conditions, readiness({ spec, status, now }), now),
  };
  const ready = conditionOf(status.conditions, 'Ready');
  const events: AuditEventInput[] = input.events.map((e) => ({
    ...e,
    actor: input.actor,
    subject: `ManagedCertificate/${status.name}`,
    at: now,
  }));
  if (ready !== undefined && ready.status !== wasReady?.status)
    events.push({
      type: ready.status === 'True' ? 'managed.ready' : 'managed.not-ready',
      actor: input.actor,
      subject: `ManagedCertificate/${status.name}`,
      at: now,
      data: { revision: status.revision, reason: ready.reason, message: ready.message },
    });
  await tx.managed.putStatus(status);
  if (events.length > 0) await tx.appendAudit(events);
  return status;
}
