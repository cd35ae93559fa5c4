import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import {
  aChain,
  aCertificate,
  withFreshKey,
  withSubject,
  type BuiltCertificate,
} from '../../../test/support/certificates.js';
import type { ReadContainerResult } from './container-types.js';
import { readContainer } from './read-container.js';

const read = (text: string): ReadContainerResult => readContainer(Buffer.from(text), { passwords: [] });
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const summary = (result: ReadContainerResult): string[] =>
  result.certificates.map(
    (c) =>
      `${c.k8sSecret?.namespace}/${c.k8sSecret?.name} ${createHash('sha256').update(c.der).digest('hex')}`,
  );

let leaf: BuiltCertificate;
let ca: BuiltCertificate;
let other: BuiltCertificate;
before(async () => {
  const chain = await aChain();
  leaf = chain.leaf;
  ca = chain.root;
  other = await aCertificate(withSubject('CN=other.example'), withFreshKey());
});

test('multi-document YAML: TLS Secrets with data and stringData; other kinds are ignored', () => {
  const indent = (pem: string): string => pem.trimEnd().replace(/^/gm, '    ');
  const yaml = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: not-a-secret}',
    'data:',
    `  ca.crt: ${b64(other.pem)}`,
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'type: kubernetes.io/tls',
    'metadata:',
    '  name: web-tls',
    '  namespace: shop',
    'data:',
    `  tls.crt: ${b64(leaf.pem)}`,
    `  tls.key: ${b64(leaf.privateKeyPem)}`,
    `  ca.crt: ${b64(ca.pem)}`,
    '---',
    'kind: Secret',
    'metadata:',
    '  name: plain',
    'stringData:',
    '  tls.crt: |',
    indent(other.pem),
    '',
  ].join('\n');
  const result = read(yaml);
  assert.equal(result.format, 'k8s-secret');
  assert.deepEqual(summary(result), [
    `shop/web-tls ${leaf.fingerprintSha256}`,
    `shop/web-tls ${ca.fingerprintSha256}`,
    `default/plain ${other.fingerprintSha256}`,
  ]);
  assert.deepEqual(result.keys, [
    { publicKeySha256: leaf.publicKeySha256, k8sSecret: { namespace: 'shop', name: 'web-tls' } },
  ]);
  assert.deepEqual(result.problems, []);
});

test('JSON: a List of Secrets (kubectl get secrets -o json); the same certificate in two Secrets is two entries', () => {
  const secret = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'prod' },
    data: { 'tls.crt': b64(leaf.pem + ca.pem), 'tls.key': b64(leaf.privateKeyPem) },
  });
  const result = read(
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [secret('a'), secret('b')] }, null, 2),
  );
  assert.equal(result.format, 'k8s-secret');
  assert.deepEqual(summary(result), [
    `prod/a ${leaf.fingerprintSha256}`,
    `prod/a ${ca.fingerprintSha256}`,
    `prod/b ${leaf.fingerprintSha256}`,
    `prod/b ${ca.fingerprintSha256}`,
  ]);
  assert.equal(result.keys.length, 2);
});

test('a Secret whose data is not base64 is malformed; YAML without Secrets is no format and no problem', () => {
  const bad = read('kind: Secret\nmetadata: {name: x}\ndata:\n  tls.crt: "not base64!"\n');
  assert.equal(bad.format, 'k8s-secret');
  assert.deepEqual(
    bad.problems.map((p) => p.code),
    ['CUSTOS_FILE_MALFORMED'],
  );
  for (const text of [
    'kind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n',
    'kind: Secret\nmetadata: {name: creds}\ndata:\n  password: aHVudGVyMg==\n',
    'kind: Secret\n  : : [ not yaml',
  ]) {
    const result = read(text);
    assert.equal(result.format, null, text);
    assert.deepEqual(result.problems, [], text);
  }
});

test('a broken certificate inside a Secret names the Secret and key', () => {
  const result = read(
    `kind: Secret\nmetadata: {name: cut, namespace: ns}\nstringData:\n  tls.crt: "${leaf.pem.slice(0, 100).replace(/\n/g, '\\n')}"\n`,
  );
  assert.equal(result.format, 'k8s-secret');
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0]!.code, 'CUSTOS_FILE_TRUNCATED');
  assert.match(result.problems[0]!.message, /Secret "ns\/cut" key "tls.crt"/);
});
