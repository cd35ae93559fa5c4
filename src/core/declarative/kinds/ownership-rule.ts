import { globs, labels, name } from '../fields.js';
import { integer, listOf, object, optional, string, type Infer } from '../schema.js';

/**
 * OwnershipRule: assigns an owner to the certificates its `match` covers. Rules run by `order` (lower first, then
 * by name); the first that matches wins; an explicit assignment beats every rule. Within `match` all given keys
 * must match, and a list matches when any of its items does. An empty `match` covers every certificate (a
 * catch-all owner, best given the highest order).
 */
export const ownershipRuleSpec = object({
  owner: name('The owner (an Owner name).'),
  order: optional(integer({ min: -1_000_000, max: 1_000_000, description: 'Lower first; default 0.' })),
  match: object({
    dnsNames: optional(globs('Globs over SAN dNSNames and the CN.')),
    paths: optional(globs('Globs over file locations (** crosses directories).')),
    hosts: optional(globs('Globs over TLS location hosts.')),
    ports: optional(
      listOf(integer({ min: 1, max: 65535 }), { minItems: 1, description: 'TLS location ports.' }),
    ),
    namespaces: optional(
      listOf(string(), { minItems: 1, description: 'Kubernetes namespaces of k8s-secret locations.' }),
    ),
    labels: optional(labels('Labels the linked identity must all carry.')),
  }),
});

export type OwnershipRuleSpec = Infer<typeof ownershipRuleSpec>;
export type RuleMatch = OwnershipRuleSpec['match'];
