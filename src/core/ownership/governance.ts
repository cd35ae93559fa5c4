import type {
  AnyDeclarativeObject,
  ExceptionObject,
  IdentityObject,
  OwnerObject,
  OwnershipRuleObject,
  PolicyObject,
} from '../declarative/objects.js';
import { waiver } from '../exceptions/waivers.js';
import type { Finding } from '../findings/finding.js';
import type { Sighting } from '../inventory/sighting.js';
import type { ObjectsReader } from '../ports/objects-store.js';
import type { CertificateFacts } from '../ports/inventory-store.js';
import { complianceActivation } from '../policy/activation.js';
import { DEFAULT_POLICIES } from '../policy/default-policies.js';
import { decideCompliance, type ComplianceDecision } from '../policy/compliance-decisions.js';
import { compilePolicies, complianceFindings } from '../policy/evaluate-policies.js';
import {
  ownerResolver,
  type OwnerAssignment,
  type OwnerResolver,
  type OwnerSource,
} from './resolve-owner.js';

/** Everything that decides owners, policy findings and waivers. */
export interface GovernanceObjects {
  owners: OwnerObject[];
  identities: IdentityObject[];
  rules: OwnershipRuleObject[];
  /** The effective policies: the stored ones, or the default set until it has been stored. */
  policies: PolicyObject[];
  exceptions: ExceptionObject[];
  assignments: OwnerAssignment[];
}

/** Reads the governance objects; before the default policies are stored, they are used as they are. */
export async function readGovernance(objects: ObjectsReader): Promise<GovernanceObjects> {
  const [owners, identities, rules, policies, exceptions, assignments, seeded] = await Promise.all([
    objects.list('Owner'),
    objects.list('Identity'),
    objects.list('OwnershipRule'),
    objects.list('Policy'),
    objects.list('Exception'),
    objects.assignments(),
    objects.defaultsSeeded(),
  ]);
  const stored = policies.map((p) => p.object);
  const storedNames = new Set(stored.map((p) => p.metadata.name));
  return {
    owners: owners.map((o) => o.object),
    identities: identities.map((o) => o.object),
    rules: rules.map((o) => o.object),
    policies: seeded
      ? stored
      : [...DEFAULT_POLICIES.filter((p) => !storedNames.has(p.metadata.name)), ...stored],
    exceptions: exceptions.map((o) => o.object),
    assignments,
  };
}

/** The objects as they would be with `incoming` applied (same kind and name replaces). */
export function withObjects(
  current: GovernanceObjects,
  incoming: readonly AnyDeclarativeObject[],
): GovernanceObjects {
  const replace = <T extends AnyDeclarativeObject>(list: T[], kind: T['kind']): T[] => {
    const added = incoming.filter((o): o is T => o.kind === kind);
    const names = new Set(added.map((o) => o.metadata.name));
    return [...list.filter((o) => !names.has(o.metadata.name)), ...added];
  };
  return {
    owners: replace(current.owners, 'Owner'),
    identities: replace(current.identities, 'Identity'),
    rules: replace(current.rules, 'OwnershipRule'),
    policies: replace(current.policies, 'Policy'),
    exceptions: replace(current.exceptions, 'Exception'),
    assignments: current.assignments,
  };
}

/** What governance adds to a certificate of the inventory. */
export interface Judgement {
  owner: string | null;
  ownerSource: OwnerSource | null;
  identity: string | null;
  /** The built-in findings and the policy findings, with `waivedBy` on those an active exception waives. */
  findings: Finding[];
}

export interface Governance {
  readonly resolveOwner: OwnerResolver;
  judge(
    certificate: CertificateFacts,
    sightings: readonly Sighting[],
    builtIn: readonly Finding[],
  ): Judgement;
  /** Each compliance policy's decision for the certificate: pass, violated, error or waived. */
  decide(certificate: CertificateFacts, sightings: readonly Sighting[]): ComplianceDecision[];
}

/**
 * The step the inventory listing runs after the built-in findings: owner and identity, the compliance policies'
 * findings, and waivers — all judged at `at` (now, or an auditor's `--at`). Compiles once per listing.
 */
export function governance(objects: GovernanceObjects, at: Date): Governance {
  const resolveOwner = ownerResolver(objects);
  const policies = compilePolicies(objects.policies.filter((p) => p.spec.type === 'compliance'));
  const waive = waiver(objects.exceptions, at);
  return {
    resolveOwner,
    judge(certificate, sightings, builtIn) {
      const ownership = resolveOwner({ certificate, locations: sightings.map((s) => s.location) });
      const activation = complianceActivation({
        certificate,
        locations: sightings,
        owner: ownership.owner,
        identity: ownership.identity,
        now: at,
      });
      const findings = [...builtIn, ...complianceFindings(policies, activation)];
      return {
        owner: ownership.owner,
        ownerSource: ownership.source,
        identity: ownership.identity?.metadata.name ?? null,
        findings: waive(findings, {
          fingerprintSha256: certificate.fingerprintSha256,
          identity: ownership.identity,
        }),
      };
    },
    decide(certificate, sightings) {
      const resolved = resolveOwner({ certificate, locations: sightings.map((s) => s.location) });
      const activation = complianceActivation({
        certificate,
        locations: sightings,
        owner: resolved.owner,
        identity: resolved.identity,
        now: at,
      });
      return decideCompliance(policies, activation, (findings) =>
        waive(findings, { fingerprintSha256: certificate.fingerprintSha256, identity: resolved.identity }),
      );
    },
  };
}
