import type { AuditEventInput } from '../audit/audit-event.js';
import type { StoreTransaction } from '../ports/store.js';
import type { Evaluation } from '../evaluation/evaluation.js';
import type { RecordedOwnership } from '../ports/objects-store.js';
import { describeSource, type OwnerSource } from './resolve-owner.js';

/** One certificate whose owner (or identity) changed. */
export interface OwnerChange {
  fingerprintSha256: string;
  oldOwner: string | null;
  newOwner: string | null;
  identity: string | null;
  /** The rule, the person or the identity that decided the new owner. */
  by: string;
}

const sameSource = (a: OwnerSource | null, b: OwnerSource | null): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * Compares the owner of every certificate in `evaluations` with the recorded one and, inside the transaction, records each change with an
 * audit event `owner.changed` (old owner, new owner, and the rule or person that decided). A certificate seen for
 * the first time is a change from nobody. Changing a rule therefore re-assigns, visibly.
 */
export async function reconcileOwnership(
  tx: StoreTransaction,
  input: { evaluations: readonly Evaluation[]; at: Date; actor: string },
): Promise<OwnerChange[]> {
  const recorded = new Map((await tx.objects.recordedOwnerships()).map((r) => [r.fingerprintSha256, r]));
  const changes: OwnerChange[] = [];
  const updates: RecordedOwnership[] = [];
  for (const evaluation of input.evaluations) {
    const fingerprint = evaluation.fingerprintSha256;
    const ownership = { owner: evaluation.owner, source: evaluation.ownerSource };
    const identity = evaluation.identity;
    const before = recorded.get(fingerprint);
    if (
      before &&
      before.owner === ownership.owner &&
      before.identity === identity &&
      sameSource(before.source, ownership.source)
    ) {
      continue;
    }
    if (before === undefined && ownership.owner === null && identity === null) continue;
    updates.push({
      fingerprintSha256: fingerprint,
      owner: ownership.owner,
      identity,
      source: ownership.source,
    });
    if ((before?.owner ?? null) !== ownership.owner) {
      changes.push({
        fingerprintSha256: fingerprint,
        oldOwner: before?.owner ?? null,
        newOwner: ownership.owner,
        identity,
        by: describeSource(ownership.source),
      });
    }
  }
  if (updates.length > 0) await tx.objects.recordOwnerships(updates, input.at);
  const events: AuditEventInput[] = changes.map((c) => ({
    type: 'owner.changed',
    actor: input.actor,
    subject: c.fingerprintSha256,
    at: input.at,
    data: { oldOwner: c.oldOwner, newOwner: c.newOwner, identity: c.identity, by: c.by },
  }));
  if (events.length > 0) await tx.appendAudit(events);
  return changes;
}
