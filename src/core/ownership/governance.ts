import { notCoveredByPolicy } from '../findings/finding-codes.js';
import type {
  AnyDeclarativeObject,
  ExceptionObject,
  IdentityObject,
  OwnerObject,
  OwnershipRuleObject,
  PolicyObject,
} from '../declarative/objects.js';
import type { Evaluation } from '../evaluation/evaluation.js';
import { waiver } from '../exceptions/waivers.js';
import type { Finding } from '../findings/finding.js';
import type { Location } from '../inventory/location.js';
import type { Sighting } from '../inventory/sighting.js';
import type { ObjectsReader } from '../ports/objects-store.js';
import type { CertificateFacts } from '../ports/inventory-store.js';
import { complianceActivation } from '../policy/activation.js';
import { DEFAULT_POLICIES } from '../policy/default-policies.js';
import { decisionOf, type ComplianceDecision } from '../policy/compliance-decisions.js';
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

/** One certificate evaluated: what is stored, and each compliance policy's decision at the moment evaluated. */
export interface EvaluatedCertificate {
  evaluation: Evaluation;
  /** Each compliance policy's decision (pass, violated, error or waived), in the policies' order. */
  decisions: ComplianceDecision[];
}

export interface Governance {
  readonly resolveOwner: OwnerResolver;
  /**
   * The one evaluation of a certificate — owner, identity, every compliance policy's findings and decision — used
   * by scan, apply, assign and listings alike: the owner is resolved and the CEL activation built once.
   */
  evaluate(certificate: CertificateFacts, sightings: readonly Sighting[]): EvaluatedCertificate;
  /**
   * What a listing shows: an evaluation (stored or fresh) with the built-in findings, waived at the moment judged
   * for the certificate at these sightings (location-scoped exceptions).
   */
  judge(evaluation: Evaluation, builtIn: readonly Finding[], sightings: readonly Sighting[]): Judgement;
  /**
   * Marks the findings an active exception waives for a certificate found at these locations (a location-scoped
   * exception is judged against them alone): what one location served is waived when the exception covers that
   * location (`locations list`), wherever else the certificate is found.
   */
  waive(findings: readonly Finding[], subject: WaivedAt): Finding[];
}

/** The certificate (with its linked identity's name, as evaluated) and the locations a waiver is judged at. */
export interface WaivedAt {
  fingerprintSha256: string;
  identity: string | null;
  locations: readonly Location[];
}

/**
 * Owner and identity, the compliance policies' findings and decisions, and waivers — all judged at `at` (now, or an
 * auditor's `--at`). Compiles the policies once.
 */
export function governance(objects: GovernanceObjects, at: Date): Governance {
  const resolveOwner = ownerResolver(objects);
  const policies = compilePolicies(objects.policies.filter((p) => p.spec.type === 'compliance'));
  const waive = waiver(objects.exceptions, at);
  const identities = new Map(objects.identities.map((i) => [i.metadata.name, i]));
  const waiveAt = (findings: readonly Finding[], subject: WaivedAt): Finding[] =>
    waive(findings, {
      fingerprintSha256: subject.fingerprintSha256,
      identity: subject.identity === null ? null : (identities.get(subject.identity) ?? null),
      locations: subject.locations,
    });
  return {
    resolveOwner,
    evaluate(certificate, sightings) {
      const ownership = resolveOwner({ certificate, locations: sightings.map((s) => s.location) });
      const activation = complianceActivation({
        certificate,
        locations: sightings,
        owner: ownership.owner,
        identity: ownership.identity,
        now: at,
      });
      const subject = {
        fingerprintSha256: certificate.fingerprintSha256,
        identity: ownership.identity,
        locations: openLocations(sightings),
      };
      const findings: Finding[] = [];
      const decisions = policies.map((policy) => {
        const own = complianceFindings([policy], activation);
        findings.push(...own);
        return decisionOf(policy, own, (f) => waive(f, subject));
      });
      return {
        evaluation: {
          fingerprintSha256: certificate.fingerprintSha256,
          owner: ownership.owner,
          ownerSource: ownership.source,
          identity: ownership.identity?.metadata.name ?? null,
          findings,
        },
        decisions,
      };
    },
    judge(evaluation, builtIn, sightings) {
      return {
        owner: evaluation.owner,
        ownerSource: evaluation.ownerSource,
        identity: evaluation.identity,
        findings: waiveAt([...notCoveredByPolicy(builtIn, evaluation.findings), ...evaluation.findings], {
          fingerprintSha256: evaluation.fingerprintSha256,
          identity: evaluation.identity,
          locations: openLocations(sightings),
        }),
      };
    },
    waive: waiveAt,
  };
}

/** Where the certificate is at the moment judged (the sightings given are those of that moment). */
const openLocations = (sightings: readonly Sighting[]) => sightings.map((s) => s.location);
