import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityObject, PolicyObject } from '../declarative/objects.js';
import type { KeyAlgorithm } from '../../pki/x509/parsed-certificate.js';
import { complianceActivation, issuanceActivation, type PolicyCertificate } from './activation.js';
import { compileExpression } from './cel-environment.js';
import { DEFAULT_POLICIES } from './default-policies.js';
import { compilePolicies, evaluatePolicies, policyFindings } from './evaluate-policies.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-01T00:00:00Z');

function aCert(overrides: Partial<PolicyCertificate> & { days?: number } = {}): PolicyCertificate {
  const { days = 90, ...rest } = overrides;
  return {
    fingerprintSha256: 'ab'.repeat(32),
    serialNumber: '01',
    subject: 'CN=api.corp.example',
    issuer: 'CN=ca',
    subjectAltNames: { dns: ['api.corp.example'], ip: [], uri: [], email: [] },
    notBefore: NOW,
    notAfter: new Date(NOW.getTime() + days * DAY),
    keyAlgorithm: 'ECDSA' as KeyAlgorithm,
    keySize: 256,
    signatureAlgorithm: 'ecdsa-with-SHA256',
    isCA: false,
    selfSigned: false,
    spiffeId: null,
    ...rest,
  };
}

const anIdentity = (spec: Partial<IdentityObject['spec']>): IdentityObject => ({
  apiVersion: 'custos/v1',
  kind: 'Identity',
  metadata: { name: 'svc' },
  spec: { kind: 'workload', owner: 'team', ...spec },
});

const defaults = compilePolicies(DEFAULT_POLICIES);

function defaultFindingCodes(
  certificate: PolicyCertificate,
  identity: IdentityObject | null,
  owner: string | null = 'team',
): string[] {
  const decisions = evaluatePolicies(
    defaults,
    complianceActivation({ certificate, locations: [], owner, identity, now: NOW }),
  );
  return policyFindings(decisions).map((f) => f.code);
}

test('every default policy compiles', () => {
  for (const p of DEFAULT_POLICIES) {
    for (const v of p.spec.validations)
      assert.ok(compileExpression(v.expression, p.spec.type).ok, p.metadata.name);
  }
});

test('default policy table', () => {
  const prod = anIdentity({ environment: 'prod' });
  const dev = anIdentity({ labels: { env: 'dev' } });
  const k8s = anIdentity({ labels: { namespace: 'payments', serviceAccount: 'api' } });
  const table: Array<[string, PolicyCertificate, IdentityObject | null, string | null, string[]]> = [
    ['compliant', aCert(), prod, 'team', []],
    ['398 days in prod is fine', aCert({ days: 398 }), prod, 'team', []],
    ['399 days in prod', aCert({ days: 399 }), prod, 'team', ['validity-too-long']],
    ['120 days in dev', aCert({ days: 120 }), dev, 'team', ['validity-too-long']],
    ['CAs are exempt from validity', aCert({ days: 3650, isCA: true }), null, 'team', []],
    ['RSA 1024', aCert({ keyAlgorithm: 'RSA', keySize: 1024 }), null, 'team', ['key-type-not-allowed']],
    ['RSA 2048', aCert({ keyAlgorithm: 'RSA', keySize: 2048 }), null, 'team', []],
    ['P-521', aCert({ keySize: 521 }), null, 'team', ['key-type-not-allowed']],
    ['Ed448', aCert({ keyAlgorithm: 'Ed448', keySize: 456 }), null, 'team', ['key-type-not-allowed']],
    ['Ed25519', aCert({ keyAlgorithm: 'Ed25519', keySize: 256 }), null, 'team', []],
    ['no owner', aCert(), null, null, ['unowned']],
    [
      'SPIFFE ID of its identity',
      aCert({ spiffeId: 'spiffe://corp.example/ns/payments/sa/api' }),
      k8s,
      'team',
      [],
    ],
    [
      'SPIFFE ID of another SA',
      aCert({ spiffeId: 'spiffe://corp.example/ns/payments/sa/web' }),
      k8s,
      'team',
      ['spiffe-id-mismatch'],
    ],
    [
      'SPIFFE ID of another ns',
      aCert({ spiffeId: 'spiffe://corp.example/ns/x/sa/api' }),
      k8s,
      'team',
      ['spiffe-id-mismatch'],
    ],
    ['SPIFFE ID, identity without labels', aCert({ spiffeId: 'spiffe://corp.example/x' }), prod, 'team', []],
  ];
  for (const [label, certificate, identity, owner, codes] of table) {
    assert.deepEqual(defaultFindingCodes(certificate, identity, owner), codes, label);
  }
});

const custom = (expression: string): PolicyObject => ({
  apiVersion: 'custos/v1',
  kind: 'Policy',
  metadata: { name: 'custom' },
  spec: {
    type: 'compliance',
    code: 'custom-code',
    severity: 'low',
    validations: [{ expression, message: 'custom message' }],
  },
});

test('an evaluation error is a policy-error finding, not a crash and not a pass', () => {
  const [policy] = compilePolicies([custom("certificate.spiffeId.startsWith('spiffe://')")]);
  assert.ok(policy);
  const decisions = evaluatePolicies(
    [policy],
    complianceActivation({ certificate: aCert(), locations: [], owner: null, identity: null, now: NOW }),
  );
  assert.equal(decisions[0]?.outcome, 'error');
  const findings = policyFindings(decisions);
  assert.deepEqual(
    findings.map((f) => f.code),
    ['policy-error'],
  );
  assert.match(findings[0]?.message ?? '', /^policy custom could not be evaluated: validation 1: /);
});

test('a false validation is a finding with the policy code, severity and message; locations are readable', () => {
  const [policy] = compilePolicies([custom("locations.all(l, l.kind != 'tls' || l.port == 443)")]);
  assert.ok(policy);
  const activation = complianceActivation({
    certificate: aCert(),
    locations: [
      {
        location: { kind: 'tls', host: 'h', port: 8443, sni: null, address: null },
        firstSeen: NOW,
        lastSeen: NOW,
      },
    ],
    owner: null,
    identity: null,
    now: NOW,
  });
  assert.deepEqual(policyFindings(evaluatePolicies([policy], activation)), [
    { code: 'custom-code', severity: 'low', message: 'custom message (policy custom)' },
  ]);
});

test('issuance policies read the request', () => {
  const [policy] = compilePolicies([
    {
      ...custom('x'),
      spec: {
        type: 'issuance',
        code: 'request-too-long',
        severity: 'high',
        validations: [
          { expression: "request.validity <= duration('2160h')", message: 'at most 90 days' },
          {
            expression: "request.names.all(n, n.endsWith('.corp.example')) && request.key.size >= 256",
            message: 'names',
          },
        ],
      },
    },
  ]);
  assert.ok(policy);
  const decide = (validityMs: number) =>
    evaluatePolicies(
      [policy],
      issuanceActivation({
        request: {
          names: ['a.corp.example'],
          key: { algorithm: 'ECDSA', size: 256 },
          validityMs,
          requester: 'alice',
          commonName: null,
          dnsNames: ['a.corp.example'],
          ipAddresses: [],
          uris: [],
          keyType: 'ec-p256',
          identity: null,
          claims: {},
        },
        owner: 'team',
        identity: null,
        now: NOW,
      }),
    ).map((d) => d.outcome);
  assert.deepEqual(decide(30 * DAY), ['pass', 'pass']);
  assert.deepEqual(decide(91 * DAY), ['fail', 'pass']);
});
