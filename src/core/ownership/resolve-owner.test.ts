import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityObject, OwnershipRuleObject } from '../declarative/objects.js';
import type { RuleMatch } from '../declarative/kinds/ownership-rule.js';
import type { Location } from '../inventory/location.js';
import type { GovernedCertificate } from './governed-certificate.js';
import { describeSource, ownerResolver, type OwnershipInput } from './resolve-owner.js';

const rule = (
  name: string,
  owner: string,
  order: number | undefined,
  match: RuleMatch,
): OwnershipRuleObject => ({
  apiVersion: 'custos/v1',
  kind: 'OwnershipRule',
  metadata: { name },
  spec: { owner, ...(order === undefined ? {} : { order }), match },
});

const identity = (
  name: string,
  owner: string,
  spec: Partial<IdentityObject['spec']> = {},
): IdentityObject => ({
  apiVersion: 'custos/v1',
  kind: 'Identity',
  metadata: { name },
  spec: { kind: 'workload', owner, ...spec },
});

let counter = 0;
function cert(
  names: { dns?: string[]; cn?: string; spiffe?: string },
  ...locations: Location[]
): GovernedCertificate {
  counter += 1;
  return {
    certificate: {
      fingerprintSha256: counter.toString(16).padStart(64, '0'),
      commonName: names.cn ?? null,
      subjectAltNames: { dns: names.dns ?? [], ip: [], uri: names.spiffe ? [names.spiffe] : [], email: [] },
      spiffeId: names.spiffe ?? null,
    },
    locations,
  };
}

const file = (path: string, namespace?: string): Location => ({
  kind: 'file',
  path,
  ...(namespace ? { k8sSecret: { namespace, name: 'tls' } } : {}),
});
const tls = (host: string, port: number): Location => ({ kind: 'tls', host, port, sni: null, address: null });
const secret = (namespace: string): Location => ({
  kind: 'k8s-secret',
  cluster: 'c',
  namespace,
  name: 'tls',
});

const input: OwnershipInput = {
  rules: [
    rule('catch-all', 'platform', 1000, {}),
    rule('payments-api', 'payments', 10, { dnsNames: ['api*.corp.example'], ports: [443, 8443] }),
    rule('payments-files', 'payments', 20, { paths: ['/etc/ssl/payments/**'] }),
    rule('edge-hosts', 'edge', 20, { hosts: ['10.1.2.*'] }),
    rule('k8s-ns', 'checkout', 30, { namespaces: ['checkout'] }),
    rule('prod-labels', 'sre', 40, { labels: { env: 'prod' } }),
    rule('a-before-b', 'first', 50, { dnsNames: ['tie.example'] }),
    rule('b-after-a', 'second', 50, { dnsNames: ['tie.example'] }),
  ],
  identities: [
    identity('billing', 'billing', {
      spiffeId: 'spiffe://corp.example/ns/billing/sa/api',
      labels: { env: 'prod' },
    }),
    identity('ledger', 'ledger', { dnsNames: ['ledger.corp.example'] }),
  ],
  assignments: [],
};

test('rules: first match by order wins; all given keys must match; lists are any-of', () => {
  const resolve = ownerResolver(input);
  const table: Array<[string, GovernedCertificate, string | null, string]> = [
    [
      'names and port',
      cert({ dns: ['api-2.corp.example'] }, tls('x', 8443)),
      'payments',
      'rule payments-api',
    ],
    [
      'names without the port fall through',
      cert({ dns: ['api.corp.example'] }, tls('x', 80)),
      'platform',
      'rule catch-all',
    ],
    ['CN counts as a name', cert({ cn: 'api.corp.example' }, tls('x', 443)), 'payments', 'rule payments-api'],
    [
      'path glob',
      cert({ dns: ['x.example'] }, file('/etc/ssl/payments/a/tls.crt')),
      'payments',
      'rule payments-files',
    ],
    ['host glob', cert({ dns: ['x.example'] }, tls('10.1.2.9', 443)), 'edge', 'rule edge-hosts'],
    ['k8s secret location', cert({}, secret('checkout')), 'checkout', 'rule k8s-ns'],
    ['k8s manifest file', cert({}, file('/m/secret.yaml', 'checkout')), 'checkout', 'rule k8s-ns'],
    [
      'identity labels',
      cert({ spiffe: 'spiffe://corp.example/ns/billing/sa/api' }),
      'sre',
      'rule prod-labels',
    ],
    ['same order: by name', cert({ dns: ['tie.example'] }), 'first', 'rule a-before-b'],
  ];
  for (const [label, subject, owner, source] of table) {
    const got = resolve(subject);
    assert.equal(got.owner, owner, label);
    assert.equal(describeSource(got.source), source, label);
  }
});

test('without a matching rule a linked identity gives its owner, else nobody owns it', () => {
  const resolve = ownerResolver({
    ...input,
    rules: input.rules.filter((r) => r.metadata.name !== 'catch-all'),
  });
  const linked = resolve(cert({ dns: ['ledger.corp.example'] }));
  assert.equal(linked.owner, 'ledger');
  assert.equal(linked.identity?.metadata.name, 'ledger');
  assert.equal(describeSource(linked.source), 'identity ledger');
  const nobody = resolve(cert({ dns: ['stray.example'] }, file('/tmp/x.pem')));
  assert.deepEqual(nobody, { owner: null, source: null, identity: null });
});

test('an explicit assignment beats every rule', () => {
  const subject = cert({ dns: ['api.corp.example'] }, tls('x', 443));
  const resolve = ownerResolver({
    ...input,
    assignments: [
      {
        fingerprintSha256: subject.certificate.fingerprintSha256,
        owner: 'security',
        assignedBy: 'alice',
        assignedAt: new Date(0),
      },
    ],
  });
  const got = resolve(subject);
  assert.equal(got.owner, 'security');
  assert.equal(describeSource(got.source), 'assigned by alice');
});
