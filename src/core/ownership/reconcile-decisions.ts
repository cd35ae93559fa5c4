import type { AuditEventInput } from '../audit/audit-event.js';
import { diffDecisions, type DecisionChange } from '../policy/compliance-decisions.js';
import type { StoreTransaction } from '../ports/store.js';
import type { EvaluatedCertificate } from './governance.js';

/**
 * Compares each compliance policy's decision for every certificate in `evaluated` with the recorded one and, inside the transaction, records each
 * decision that changed with an audit event `policy.decided` (policy, code, old and new result, the waiving
 * exception, the reason). Only what is not a pass is recorded: a first evaluation that passes writes nothing and is
 * no event; a violation, error or waiver seen for the first time is one (from null); a return to pass is one too.
 * Decisions that stay the same write nothing.
 */
export async function reconcilePolicyDecisions(
  tx: StoreTransaction,
  input: {
    /** The certificates as just evaluated, with their decisions. */
    evaluated: readonly EvaluatedCertificate[];
    at: Date;
    actor: string;
    /** The recorded decisions of `evaluated` only (one certificate), instead of reading every one. */
    onlyEntries?: boolean;
  },
): Promise<DecisionChange[]> {
  const recorded = await tx.objects.recordedDecisions(
    input.onlyEntries ? input.evaluated.map((e) => e.evaluation.fingerprintSha256) : undefined,
  );
  const current = input.evaluated.map((e) => ({
    fingerprintSha256: e.evaluation.fingerprintSha256,
    decisions: e.decisions,
  }));
  const { set, cleared, changes } = diffDecisions(recorded, current);
  if (set.length > 0 || cleared.length > 0) await tx.objects.recordDecisions({ set, cleared }, input.at);
  const events: AuditEventInput[] = changes.map((c) => ({
    type: 'policy.decided',
    actor: input.actor,
    subject: c.fingerprintSha256,
    at: input.at,
    data: {
      policy: c.policy,
      code: c.code,
      oldResult: c.oldResult,
      newResult: c.newResult,
      ...(c.exception === null ? {} : { exception: c.exception }),
      reason: c.reason,
    },
  }));
  if (events.length > 0) await tx.appendAudit(events);
  return changes;
}
