import type { IdentityObject, OwnershipRuleObject } from '../declarative/objects.js';
import type { GovernedCertificate } from './governed-certificate.js';
import { identityLinker } from './link-identity.js';
import { compileRules } from './rule-matcher.js';

/** An owner given by a person to one certificate: beats every rule. */
export interface OwnerAssignment {
  fingerprintSha256: string;
  owner: string;
  assignedBy: string;
  assignedAt: Date;
}

/** Why a certificate has its owner. */
export type OwnerSource =
  | { kind: 'assignment'; by: string }
  | { kind: 'rule'; rule: string }
  | { kind: 'identity'; identity: string };

export interface Ownership {
  owner: string | null;
  source: OwnerSource | null;
  identity: IdentityObject | null;
}

export interface OwnershipInput {
  rules: readonly OwnershipRuleObject[];
  identities: readonly IdentityObject[];
  assignments: readonly OwnerAssignment[];
}

export type OwnerResolver = (subject: GovernedCertificate) => Ownership;

/**
 * Decides who owns each certificate, in this order: an explicit assignment; else the first ownership rule that
 * matches (rules by `order`, then name); else the owner of the identity the certificate is linked to; else nobody
 * (the certificate is `unowned`). Rules come before the identity's owner so that a rule can route a linked
 * certificate elsewhere (e.g. by `labels`). Compiles the globs once; the resolver is pure.
 */
export function ownerResolver(input: OwnershipInput): OwnerResolver {
  const rules = compileRules(input.rules);
  const linker = identityLinker(input.identities);
  const assignments = new Map(input.assignments.map((a) => [a.fingerprintSha256, a]));
  return (subject) => {
    const identity = linker.link(subject);
    const assignment = assignments.get(subject.certificate.fingerprintSha256);
    if (assignment)
      return { owner: assignment.owner, source: { kind: 'assignment', by: assignment.assignedBy }, identity };
    const matched = rules.find((r) => r.matches({ ...subject, identity }));
    if (matched)
      return {
        owner: matched.rule.spec.owner,
        source: { kind: 'rule', rule: matched.rule.metadata.name },
        identity,
      };
    if (identity)
      return {
        owner: identity.spec.owner,
        source: { kind: 'identity', identity: identity.metadata.name },
        identity,
      };
    return { owner: null, source: null, identity: null };
  };
}

export function describeSource(source: OwnerSource | null): string {
  if (source === null) return 'no rule or assignment';
  switch (source.kind) {
    case 'assignment':
      return `assigned by ${source.by}`;
    case 'rule':
      return `rule ${source.rule}`;
    case 'identity':
      return `identity ${source.identity}`;
  }
}
