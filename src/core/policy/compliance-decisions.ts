import type { Finding } from '../findings/finding.js';
import type { CompiledPolicy } from './evaluate-policies.js';

/** What one compliance policy decided for one certificate. */
export type PolicyResult = 'pass' | 'violated' | 'error' | 'waived';

export interface ComplianceDecision {
  policy: string;
  /** The policy's finding code (`policy-error` for a policy that could not be evaluated). */
  code: string;
  result: PolicyResult;
  /** The exception that waives the finding, when the result is `waived`. */
  exception: string | null;
  /** Why: the messages of the false validations, the CEL error, or that every validation holds. */
  reason: string;
}

export const EVERY_VALIDATION_HOLDS = 'every validation holds';

/**
 * One policy's decision from the findings it produced (none: a pass). A policy with false validations is
 * `violated` (its code), one that could not be evaluated is `error` (`policy-error`), and either is `waived` when
 * `waive` marks its finding with an exception.
 */
export function decisionOf(
  policy: CompiledPolicy,
  findings: Finding[],
  waive: (findings: Finding[]) => Finding[],
): ComplianceDecision {
  const first = findings.length === 0 ? undefined : waive(findings)[0];
  if (first === undefined)
    return {
      policy: policy.name,
      code: policy.code,
      result: 'pass',
      exception: null,
      reason: EVERY_VALIDATION_HOLDS,
    };
  const failed = first.code !== 'policy-error' || policy.code === 'policy-error';
  return {
    policy: policy.name,
    code: first.code,
    result: first.waivedBy !== undefined ? 'waived' : failed ? 'violated' : 'error',
    exception: first.waivedBy ?? null,
    reason: first.message,
  };
}

/**
 * A certificate's decision under one policy as last recorded, so that a change is seen (and audited) once. Only
 * what is not a pass is recorded: a certificate without a record under a policy passed it when last judged (or
 * has not been judged yet), so the records grow with the problems, not with certificates times policies.
 */
export interface RecordedDecision {
  fingerprintSha256: string;
  policy: string;
  code: string;
  result: Exclude<PolicyResult, 'pass'>;
  exception: string | null;
}

/** A certificate under a policy. */
export interface DecisionKey {
  fingerprintSha256: string;
  policy: string;
}

/** One decision that changed: the audit event `policy.decided` says this. */
export interface DecisionChange {
  fingerprintSha256: string;
  policy: string;
  code: string;
  /** null: not recorded before — the certificate passed when last judged, or is judged for the first time. */
  oldResult: Exclude<PolicyResult, 'pass'> | null;
  /** `retracted`: the policy was deleted (or is no longer a compliance policy), so its recorded decision is cleared. */
  newResult: PolicyResult | 'retracted';
  exception: string | null;
  reason: string;
}

const POLICY_GONE = 'the policy no longer exists as a compliance policy';

const decisionKey = (fingerprint: string, policy: string): string => `${fingerprint}\n${policy}`;

/**
 * Compares the decisions of now with those recorded. A violation, error or waiver that differs from the record
 * (result, code or exception) is recorded and is a change; a pass where a record exists clears it and is a change
 * back to `pass`; a pass without a record (a first evaluation that passes, or a pass that stays one) is nothing. A
 * record under a policy that gave the certificate no decision now (deleted, or no longer a compliance policy) is
 * cleared and is a change to `retracted`.
 */
export function diffDecisions(
  recorded: readonly RecordedDecision[],
  current: ReadonlyArray<{ fingerprintSha256: string; decisions: readonly ComplianceDecision[] }>,
): { set: RecordedDecision[]; cleared: DecisionKey[]; changes: DecisionChange[] } {
  const before = new Map(recorded.map((r) => [decisionKey(r.fingerprintSha256, r.policy), r]));
  const recordedOf = new Map<string, RecordedDecision[]>();
  for (const r of recorded) {
    const list = recordedOf.get(r.fingerprintSha256);
    if (list === undefined) recordedOf.set(r.fingerprintSha256, [r]);
    else list.push(r);
  }
  const set: RecordedDecision[] = [];
  const cleared: DecisionKey[] = [];
  const changes: DecisionChange[] = [];
  for (const { fingerprintSha256, decisions } of current) {
    for (const d of decisions) {
      const old = before.size === 0 ? undefined : before.get(decisionKey(fingerprintSha256, d.policy));
      const { policy, code, result, exception } = d;
      if (result === 'pass') {
        if (old === undefined) continue;
        cleared.push({ fingerprintSha256, policy });
      } else {
        if (old && old.result === result && old.code === code && old.exception === exception) continue;
        set.push({ fingerprintSha256, policy, code, result, exception });
      }
      changes.push({
        fingerprintSha256,
        policy,
        code,
        oldResult: old?.result ?? null,
        newResult: result,
        exception,
        reason: d.reason,
      });
    }
    // A recorded decision under a policy that decided nothing now: the policy is gone, its decision is retracted.
    // (Most certificates of a first scan have none recorded: no set of policies is made for them.)
    const olds = recordedOf.get(fingerprintSha256);
    if (olds === undefined) continue;
    const policies = new Set(decisions.map((d) => d.policy));
    for (const old of olds) {
      if (policies.has(old.policy)) continue;
      cleared.push({ fingerprintSha256, policy: old.policy });
      changes.push({
        fingerprintSha256,
        policy: old.policy,
        code: old.code,
        oldResult: old.result,
        newResult: 'retracted',
        exception: null,
        reason: POLICY_GONE,
      });
    }
  }
  return { set, cleared, changes };
}
