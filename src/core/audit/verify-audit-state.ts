import type { AuditKeyring } from '../ports/audit-keyring.js';
import type { Store } from '../ports/store.js';
import { verifyAudit, type AuditVerification, type CheckpointToCheck } from '../verify-audit.js';
import { verifyState, type AreaVerification } from './verify-state.js';

/** What `audit verify --json` prints: the chain's verification, and with state the areas compared. */
export type AuditStateVerification = AuditVerification & { areas?: AreaVerification[] };

/**
 * `custos audit verify [--state]` and `POST /v1/audit/verify`: the chain held to the checkpoints; then, when asked and
 * the chain is intact, the state recomputed from the events and compared (ok then says whether it matches).
 */
export async function verifyAuditAndState(
  deps: { store: Store; auditKeys: AuditKeyring },
  input: { checkpoints: CheckpointToCheck[]; state: boolean },
): Promise<AuditStateVerification> {
  const chain = await verifyAudit(deps, input.checkpoints);
  if (!chain.ok || !input.state) return chain;
  const state = await verifyState(deps);
  return { ...chain, ok: state.ok, areas: state.areas };
}
