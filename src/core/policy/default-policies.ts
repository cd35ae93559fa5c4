import type { PolicyObject } from '../declarative/objects.js';

const policy = (name: string, spec: PolicyObject['spec']): PolicyObject => ({
  apiVersion: 'custos/v1',
  kind: 'Policy',
  metadata: { name, annotations: { 'custos.dev/default': 'true' } },
  spec,
});

/**
 * The default policy set, stored on first use (the first `apply` or `owners assign`) and editable like any policy:
 * apply a Policy of the same name to change it. Until then, evaluations use these as they are.
 *
 * - max-validity-by-environment (`validity-too-long`, medium). Leaf certificates only (a CA's lifetime is a
 *   different decision). Production identities (environment `prod`/`production`): at most 398 days, the CA/B
 *   Forum maximum for public TLS since 2020 (public CAs go to 200 days in March 2026, 100 in 2027 and 47 in 2029;
 *   tighten this when your issuers do). Non-production identities (`staging`, `stage`, `test`, `qa`, `dev`,
 *   `development`): at most 90 days, so automation is exercised where failure is cheap. Certificates without an
 *   identity or environment: 398 days. The environment is the identity's `environment`, else its label
 *   `env`/`environment`.
 * - allowed-key-types (`key-type-not-allowed`, high): RSA of at least 2048 bits, ECDSA on P-256 or P-384, Ed25519.
 * - owner-required (`unowned`, medium): every certificate has an owner (an assignment, a rule or its identity).
 *   This policy is what produces the `unowned` finding; edit it to narrow it (e.g. `certificate.isCA || owner != null`).
 * - spiffe-id-matches-identity (`spiffe-id-mismatch`, high): a certificate with a SPIFFE ID, linked to an identity
 *   that has the labels `namespace` and `serviceAccount`, must carry spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SA.
 */
export const DEFAULT_POLICIES: readonly PolicyObject[] = [
  policy('max-validity-by-environment', {
    type: 'compliance',
    code: 'validity-too-long',
    severity: 'medium',
    validations: [
      {
        expression:
          "certificate.isCA || (identity != null && identity.environment in ['staging', 'stage', 'test', 'qa', 'dev', 'development']) || certificate.notAfter - certificate.notBefore <= duration('9552h')",
        message: 'leaf certificates may be valid for at most 398 days',
      },
      {
        expression:
          "certificate.isCA || identity == null || !(identity.environment in ['staging', 'stage', 'test', 'qa', 'dev', 'development']) || certificate.notAfter - certificate.notBefore <= duration('2160h')",
        message: 'non-production leaf certificates may be valid for at most 90 days',
      },
    ],
  }),
  policy('allowed-key-types', {
    type: 'compliance',
    code: 'key-type-not-allowed',
    severity: 'high',
    validations: [
      {
        expression:
          "(certificate.keyAlgorithm == 'RSA' && certificate.keySize >= 2048) || (certificate.keyAlgorithm == 'ECDSA' && certificate.keySize in [256, 384]) || certificate.keyAlgorithm == 'Ed25519'",
        message: 'keys must be RSA >= 2048 bits, ECDSA P-256/P-384 or Ed25519',
      },
    ],
  }),
  policy('owner-required', {
    type: 'compliance',
    code: 'unowned',
    severity: 'medium',
    validations: [
      {
        expression: 'owner != null',
        message: 'no ownership rule, assignment or identity gives this certificate an owner',
      },
    ],
  }),
  policy('spiffe-id-matches-identity', {
    type: 'compliance',
    code: 'spiffe-id-mismatch',
    severity: 'high',
    validations: [
      {
        expression:
          "certificate.spiffeId == null || identity == null || !('namespace' in identity.labels) || !('serviceAccount' in identity.labels) || (certificate.spiffeId.matches('^spiffe://[^/]+/ns/[^/]+/sa/[^/]+$') && certificate.spiffeId.endsWith('/ns/' + identity.labels.namespace + '/sa/' + identity.labels.serviceAccount))",
        message:
          "the SPIFFE ID must be spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICE-ACCOUNT of its identity's labels",
      },
    ],
  }),
];
