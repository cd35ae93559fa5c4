/**
 * The order in which the reconciler asks the concerns (cert-manager runs them as separate controllers; here one
 * thin runner asks each in turn): trigger, issuing, deploy, verify, revoke. Each reads only the persisted status.
 */
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { decideDeploy } from '../lifecycle/deploy.js';
import { decideIssuing } from '../lifecycle/issuing.js';
import type { Decision } from '../lifecycle/reasons.js';
import { decideTrigger } from '../lifecycle/trigger.js';
import { decideRevoke } from '../lifecycle/revoke.js';
import { decideVerify } from '../lifecycle/verify.js';
import type { VerifyEndpoint } from './spec-keys.js';
import type { ManagedStatus, RevokeAfterReady } from './managed-status.js';

export type NextAction =
  | { kind: 'trigger'; decision: Decision }
  | { kind: 'issue'; reuseCurrentKey: boolean }
  | { kind: 'deploy'; revision: number }
  | { kind: 'verify'; revision: number; fingerprintSha256: string; endpoints: VerifyEndpoint[] }
  /** Revisions marked for revocation, now that their replacement is verified live. */
  | { kind: 'revoke'; revisions: RevokeAfterReady[] }
  /** A failed or partial step waits for its retry. */
  | { kind: 'wait'; until: Date }
  /** Nothing to do until the renewal time (or a change). */
  | { kind: 'settled'; renewalTime: Date | null };

export function nextAction(spec: ManagedCertificateSpec, status: ManagedStatus, now: Date): NextAction {
  const input = { spec, status, now };
  const trigger = decideTrigger(input);
  if (trigger !== null) return { kind: 'trigger', decision: trigger };
  const issuing = decideIssuing(input);
  if (issuing !== null) return issuing;
  const deploy = decideDeploy(input);
  if (deploy !== null) return deploy;
  const verify = decideVerify(input);
  if (verify !== null) return verify;
  const revoke = decideRevoke(input);
  if (revoke !== null) return revoke;
  return { kind: 'settled', renewalTime: status.renewalTime };
}
