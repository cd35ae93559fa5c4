import type { IdentityObject, OwnershipRuleObject } from '../declarative/objects.js';
import type { RuleMatch } from '../declarative/kinds/ownership-rule.js';
import type { Location } from '../inventory/location.js';
import { anyMatches, compileGlob } from './glob.js';
import { certificateNames, type GovernedCertificate } from './governed-certificate.js';

export type MatchSubject = GovernedCertificate & { identity: IdentityObject | null };

type Predicate = (subject: MatchSubject) => boolean;

function filePaths(locations: readonly Location[]): string[] {
  return locations.flatMap((l) =>
    l.kind === 'file' ? [l.path] : l.kind === 'agent' && l.path !== null ? [l.path] : [],
  );
}

function namespaces(locations: readonly Location[]): string[] {
  return locations.flatMap((l) =>
    l.kind === 'k8s-secret' ? [l.namespace] : l.kind === 'file' && l.k8sSecret ? [l.k8sSecret.namespace] : [],
  );
}

const tlsLocations = (locations: readonly Location[]) =>
  locations.flatMap((l) => (l.kind === 'tls' ? [l] : []));

/**
 * Compiles a rule's `match` into one predicate: every given key must match (AND); a list matches when any of its
 * items does (OR); `labels` must all be carried by the certificate's linked identity. No key: matches everything.
 */
export function compileMatch(match: RuleMatch): Predicate {
  const predicates: Predicate[] = [];
  if (match.dnsNames) {
    const globs = match.dnsNames.map((g) => compileGlob(g, 'name'));
    predicates.push((s) => anyMatches(globs, certificateNames(s.certificate)));
  }
  if (match.paths) {
    const globs = match.paths.map((g) => compileGlob(g, 'path'));
    predicates.push((s) => anyMatches(globs, filePaths(s.locations)));
  }
  if (match.hosts) {
    const globs = match.hosts.map((g) => compileGlob(g, 'name'));
    predicates.push((s) =>
      anyMatches(
        globs,
        tlsLocations(s.locations).flatMap((l) => [l.host, ...(l.address === null ? [] : [l.address])]),
      ),
    );
  }
  if (match.ports) {
    const ports = new Set(match.ports);
    predicates.push((s) => tlsLocations(s.locations).some((l) => ports.has(l.port)));
  }
  if (match.namespaces) {
    const wanted = new Set(match.namespaces);
    predicates.push((s) => namespaces(s.locations).some((n) => wanted.has(n)));
  }
  if (match.labels) {
    const wanted = Object.entries(match.labels);
    predicates.push(
      (s) => s.identity !== null && wanted.every(([k, v]) => s.identity?.spec.labels?.[k] === v),
    );
  }
  return (subject) => predicates.every((p) => p(subject));
}

export interface CompiledRule {
  rule: OwnershipRuleObject;
  matches: Predicate;
}

/** Rules in the order they are tried: `order` ascending (default 0), then name. */
export function compileRules(rules: readonly OwnershipRuleObject[]): CompiledRule[] {
  return [...rules]
    .sort(
      (a, b) => (a.spec.order ?? 0) - (b.spec.order ?? 0) || a.metadata.name.localeCompare(b.metadata.name),
    )
    .map((rule) => ({ rule, matches: compileMatch(rule.spec.match) }));
}
