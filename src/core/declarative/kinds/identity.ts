import { globs, labels, name } from '../fields.js';
import { object, oneOf, optional, string, type Infer } from '../schema.js';

export const IDENTITY_KINDS = ['service', 'workload', 'device'] as const;

/**
 * Identity: the service, workload or device that uses certificates, with exactly one owner. A certificate is linked
 * to it when its SPIFFE ID equals `spiffeId`, or when one of its names (SANs, CN) matches `dnsNames`.
 */
export const identitySpec = object({
  kind: oneOf(IDENTITY_KINDS, 'What the identity is.'),
  owner: name('The owner (an Owner name).'),
  environment: optional(
    string({ description: 'prod, staging, dev, ... (read by the default validity policy).' }),
  ),
  spiffeId: optional(
    string({
      pattern: /^spiffe:\/\/[^/\s]+(\/[^/\s]+)*$/,
      expected: 'a SPIFFE ID such as spiffe://corp.example/ns/payments/sa/api',
    }),
  ),
  dnsNames: optional(globs('Globs over certificate names that link a certificate to this identity.')),
  labels: optional(labels('Free labels: namespace, serviceAccount, site, deviceFamily, env, ...')),
});

export type IdentitySpec = Infer<typeof identitySpec>;
