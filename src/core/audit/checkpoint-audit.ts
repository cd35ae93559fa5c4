import type { Clock } from '../ports/clock.js';
import type { AuditKeyring } from '../ports/audit-keyring.js';
import type { Store } from '../ports/store.js';
import { verifyAudit, type AuditVerification } from '../verify-audit.js';
import { signCheckpoint, type AuditCheckpoint } from './audit-seal.js';

/** The verification, and the checkpoint signed over the head of an intact chain. */
export type SignedCheckpoint = AuditVerification & { checkpoint: AuditCheckpoint | null };

/**
 * `custos audit checkpoint` and `POST /v1/audit/checkpoint`: verifies the chain, then signs a statement of its head
 * with the audit key. No checkpoint for a broken chain (the verification names the break) or one with no head.
 */
export async function checkpointAudit(deps: {
  store: Store;
  auditKeys: AuditKeyring;
  clock: Clock;
}): Promise<SignedCheckpoint> {
  const verification = await verifyAudit(deps);
  if (!verification.ok) return { ...verification, checkpoint: null };
  const head = await deps.store.audit.head();
  // Verified just now: only a concurrent deletion leaves no head.
  if (head === null) return { ...verification, checkpoint: null };
  return { ...verification, checkpoint: signCheckpoint(deps.auditKeys, head, deps.clock.now()) };
}
