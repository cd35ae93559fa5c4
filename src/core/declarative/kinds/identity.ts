import { Type, type Static } from '@sinclair/typebox';
import { choice, closed, globs, labels, name, text } from '../fields.js';

export const IDENTITY_KINDS = ['service', 'workload', 'device'] as const;

/**
 * Identity: the service, workload or device that uses certificates, with exactly one owner. A certificate is linked
 * to it when its SPIFFE ID equals `spiffeId`, or when one of its names (SANs, CN) matches `dnsNames`.
 */
export const identitySpec = closed({
  kind: choice(IDENTITY_KINDS, 'What the identity is.'),
  owner: name('The owner (an Owner name).'),
  environment: Type.Optional(
    text({ description: 'prod, staging, dev, ... (read by the default validity policy).' }),
  ),
  spiffeId: Type.Optional(
    text({
      pattern: /^spiffe:\/\/[^/\s]+(\/[^/\s]+)*$/,
      expected: 'a SPIFFE ID such as spiffe://corp.example/ns/payments/sa/api',
    }),
  ),
  dnsNames: Type.Optional(globs('Globs over certificate names that link a certificate to this identity.')),
  labels: Type.Optional(labels('Free labels: namespace, serviceAccount, site, deviceFamily, env, ...')),
});

export type IdentitySpec = Static<typeof identitySpec>;
