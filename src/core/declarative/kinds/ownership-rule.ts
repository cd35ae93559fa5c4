import { Type, type Static } from '@sinclair/typebox';
import { closed, globs, integer, labels, list, name, text } from '../fields.js';

/**
 * OwnershipRule: assigns an owner to the certificates its `match` covers. Rules run by `order` (lower first, then
 * by name); the first that matches wins; an explicit assignment beats every rule. Within `match` all given keys
 * must match, and a list matches when any of its items does. An empty `match` covers every certificate (a
 * catch-all owner, best given the highest order).
 */
export const ownershipRuleSpec = closed({
  owner: name('The owner (an Owner name).'),
  order: Type.Optional(integer(-1_000_000, 1_000_000, 'Lower first; default 0.')),
  match: closed({
    dnsNames: Type.Optional(globs('Globs over SAN dNSNames and the CN.')),
    paths: Type.Optional(globs('Globs over file locations (** crosses directories).')),
    hosts: Type.Optional(globs('Globs over TLS location hosts.')),
    ports: Type.Optional(list(integer(1, 65535), { minItems: 1, description: 'TLS location ports.' })),
    namespaces: Type.Optional(
      list(text(), { minItems: 1, description: 'Kubernetes namespaces of k8s-secret locations.' }),
    ),
    labels: Type.Optional(labels('Labels the linked identity must all carry.')),
  }),
});

export type OwnershipRuleSpec = Static<typeof ownershipRuleSpec>;
export type RuleMatch = OwnershipRuleSpec['match'];
