import type { PolicyObject } from '../declarative/objects.js';
import type { Finding, Severity } from '../findings/finding.js';
import { FINDING_CODES } from '../findings/finding-codes.js';
import type { Activation } from './activation.js';
import { largestList, MAX_EVALUATION_COST } from './cel-cost.js';
import { celErrorMessage, compileExpression, type CelProgram } from './cel-environment.js';

export interface CompiledValidation {
  expression: string;
  message: string;
  /** The program, or why the expression does not compile (a stored policy an upgrade no longer accepts). */
  program: CelProgram | { error: string };
  /** The longest input list the program may run over within the evaluation budget (Infinity: any). */
  listLimit: number;
}

export interface CompiledPolicy {
  name: string;
  type: PolicyObject['spec']['type'];
  code: string;
  severity: Severity;
  validations: CompiledValidation[];
}

/**
 * Compiled expressions by type and text. Compiling is a pure function of the two (the environments are fixed), so
 * a compiled program is reused by every evaluation that meets the same expression again — each issuance and scan
 * batch reads the stored policies afresh, and the expressions change only when a policy is applied. Bounded: a
 * process that sees more distinct expressions than this starts over.
 */
const compiledExpressions = new Map<string, ReturnType<typeof compileExpression>>();
const MAX_COMPILED_EXPRESSIONS = 1024;

function compileCached(expression: string, type: PolicyObject['spec']['type']) {
  const key = `${type}\u0000${expression}`;
  let compiled = compiledExpressions.get(key);
  if (compiled === undefined) {
    compiled = compileExpression(expression, type);
    if (compiledExpressions.size >= MAX_COMPILED_EXPRESSIONS) compiledExpressions.clear();
    compiledExpressions.set(key, compiled);
  }
  return compiled;
}

/** Compiles policies once; evaluate the result over as many certificates as needed. */
export function compilePolicies(policies: readonly PolicyObject[]): CompiledPolicy[] {
  return [...policies]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((p) => ({
      name: p.metadata.name,
      type: p.spec.type,
      code: p.spec.code,
      severity: p.spec.severity,
      validations: p.spec.validations.map((v) => {
        const compiled = compileCached(v.expression, p.spec.type);
        return {
          expression: v.expression,
          message: v.message,
          program: compiled.ok ? compiled.program : { error: compiled.message },
          listLimit: compiled.ok ? compiled.listLimit : Infinity,
        };
      }),
    }));
}

export type Outcome = 'pass' | 'fail' | 'error';

/** One validation's decision, with its reason (`policy test` prints these). */
export interface PolicyDecision {
  policy: string;
  code: string;
  severity: Severity;
  validation: number;
  expression: string;
  outcome: Outcome;
  /** pass: the expression; fail: the validation's message; error: the CEL error. */
  reason: string;
}

/** Whether the input holds a list too long for the program's evaluation budget (it is then not evaluated). */
const overBudget = (validation: CompiledValidation, activation: Activation): boolean =>
  validation.listLimit !== Infinity && largestList(activation) > validation.listLimit;

function run(validation: CompiledValidation, activation: Activation): { outcome: Outcome; reason: string } {
  const { program } = validation;
  if (typeof program !== 'function') return { outcome: 'error', reason: program.error };
  if (overBudget(validation, activation)) {
    return {
      outcome: 'error',
      reason:
        `not evaluated: with a list of ${largestList(activation)} elements in its input the expression may take ` +
        `more than the ${MAX_EVALUATION_COST.toLocaleString('en-US')} evaluation steps allowed`,
    };
  }
  let value: unknown;
  try {
    value = program(activation);
  } catch (error) {
    return { outcome: 'error', reason: celErrorMessage(error) };
  }
  if (value === true) return { outcome: 'pass', reason: validation.expression };
  if (value === false) return { outcome: 'fail', reason: validation.message };
  return { outcome: 'error', reason: `the expression gave ${typeof value}, not a bool` };
}

/** Every validation of every policy, in order. */
export function evaluatePolicies(
  policies: readonly CompiledPolicy[],
  activation: Activation,
): PolicyDecision[] {
  const decisions: PolicyDecision[] = [];
  for (const policy of policies) {
    policy.validations.forEach((validation, index) => {
      decisions.push({
        policy: policy.name,
        code: policy.code,
        severity: policy.severity,
        validation: index,
        expression: validation.expression,
        ...run(validation, activation),
      });
    });
  }
  return decisions;
}

/**
 * The findings of the decisions: one per violated policy (its code and severity, the messages of its false
 * validations), and one `policy-error` per policy that could not be evaluated — never a crash, never a silent pass.
 */
export function policyFindings(decisions: readonly PolicyDecision[]): Finding[] {
  const findings: Finding[] = [];
  let start = 0;
  while (start < decisions.length) {
    let end = start;
    while (end < decisions.length && decisions[end]?.policy === decisions[start]?.policy) end += 1;
    findings.push(...findingsOfPolicy(decisions.slice(start, end)));
    start = end;
  }
  return findings;
}

function findingsOfPolicy(list: readonly PolicyDecision[]): Finding[] {
  const first = list[0] as PolicyDecision;
  const failed = list.filter((d) => d.outcome === 'fail');
  const errors = list.filter((d) => d.outcome === 'error');
  const findings: Finding[] = [];
  if (failed.length > 0) {
    findings.push({
      code: first.code,
      severity: first.severity,
      message: `${failed.map((d) => d.reason).join('; ')} (policy ${first.policy})`,
    });
  }
  if (errors.length > 0) {
    findings.push({
      code: 'policy-error',
      severity: FINDING_CODES['policy-error'].severity,
      message: `policy ${first.policy} could not be evaluated: ${errors.map((d) => `validation ${d.validation + 1}: ${d.reason}`).join('; ')}`,
    });
  }
  return findings;
}

/**
 * The findings of the policies for one activation — what `policyFindings(evaluatePolicies(...))` gives, on the hot
 * path of listings: a compliant certificate allocates nothing but its activation.
 */
export function complianceFindings(policies: readonly CompiledPolicy[], activation: Activation): Finding[] {
  let findings: Finding[] | undefined;
  for (const policy of policies) {
    let violated = false;
    for (const validation of policy.validations) {
      const { program } = validation;
      if (typeof program === 'function' && !overBudget(validation, activation)) {
        try {
          if (program(activation) === true) continue;
        } catch {
          // fall through: the slow path below reports the error with its reason
        }
      }
      violated = true;
      break;
    }
    if (!violated) continue;
    const decisions = evaluatePolicies([policy], activation);
    (findings ??= []).push(...findingsOfPolicy(decisions));
  }
  return findings ?? [];
}
