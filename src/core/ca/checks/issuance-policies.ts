/**
 * The issuance policies (Policy objects of `type: issuance`, docs/declarative.md): every validation of every such
 * policy is evaluated on the request with the CEL environment and cost budget of the compliance policies
 * (src/core/policy/cel-environment.ts, cel-cost.ts); the request is refused when any validation is false — or
 * cannot be evaluated (a runtime error, an input over the budget), since an issuance decision fails closed. The
 * refusal names every policy that denied, with its code and the messages of its false validations.
 * (cert-manager's approver-policy and step-ca's policy engine decide at the same point: after the request is
 * known good, before anything is signed.)
 */
import type { PolicyObject } from '../../declarative/objects.js';
import { issuanceActivation } from '../../policy/activation.js';
import { compilePolicies, evaluatePolicies, type CompiledPolicy } from '../../policy/evaluate-policies.js';
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

/** Compiled policies by name and spec: a policy is compiled once, not on every request. */
const compiled = new Map<string, CompiledPolicy>();
const MAX_CACHED = 1000;

function compiledPolicy(policy: PolicyObject): CompiledPolicy {
  const key = `${policy.metadata.name}\u0000${JSON.stringify(policy.spec)}`;
  let result = compiled.get(key);
  if (result === undefined) {
    result = compilePolicies([policy])[0]!;
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(key, result);
  }
  return result;
}

export const issuancePoliciesAllow: IssuanceCheck = (request, context) => {
  const policies = context.policies
    .filter((p) => p.spec.type === 'issuance')
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map(compiledPolicy);
  if (policies.length === 0) return undefined;
  const read = subjectKey(request.publicKeySpki);
  const key = read.ok ? read.key : null;
  const identity = context.identity ?? null;
  const validityMs = request.ttlMs ?? context.defaultTtlMs;
  const activation = issuanceActivation({
    request: {
      names: [...request.dnsNames, ...request.ipAddresses, ...request.uris],
      key: { algorithm: key?.algorithm ?? 'unknown', size: key?.size ?? null },
      validityMs,
      requester: request.provisioner.name,
      commonName: request.commonName,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
      uris: request.uris,
      keyType: key?.keyType ?? 'unknown',
      identity: request.identity,
      claims: request.provisioner.claims,
    },
    owner: identity?.spec.owner ?? null,
    identity,
    now: context.now,
  });
  const denials: string[] = [];
  for (const policy of policies) {
    const decisions = evaluatePolicies([policy], activation);
    const failed = decisions.filter((d) => d.outcome === 'fail').map((d) => d.reason);
    const errors = decisions
      .filter((d) => d.outcome === 'error')
      .map((d) => `validation ${d.validation + 1} could not be evaluated: ${d.reason}`);
    if (failed.length + errors.length > 0)
      denials.push(`policy "${policy.name}" (${policy.code}): ${[...failed, ...errors].join('; ')}`);
  }
  if (denials.length === 0) return undefined;
  return { code: 'CUSTOS_POLICY_DENIED', message: `denied by ${denials.join(' | ')}` };
};
