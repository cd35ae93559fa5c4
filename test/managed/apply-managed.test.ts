import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { aCustos, type Custos } from '../support/cli.js';

/** The form of issue 12, as written there (a contract: scripts and tests depend on it). */
export const ISSUE_FORM = `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: web}
spec:
  commonName: web.corp.example
  dnsNames: [web.corp.example]
  duration: 24h
  renewBefore: 8h
  issuerRef: {name: default}            # the built-in CA created by \`custos ca init\`
  privateKey: {algorithm: ECDSA, size: 256, rotationPolicy: Always}
  destinations:
    - file:
        certificate: /etc/nginx/tls/web.crt
        fullchain: /etc/nginx/tls/web-fullchain.pem
        privateKey: /etc/nginx/tls/web.key
        reload: {command: [nginx, -s, reload], timeout: 10s}
  verify:
    - {host: 10.0.0.5, port: 443, sni: web.corp.example}
    - {host: 10.0.0.6, port: 443, sni: web.corp.example}
`;

let custos: Custos;
let dir: string;
before(async () => {
  custos = await aCustos();
  dir = await mkdtemp(join(tmpdir(), 'custos-managed-apply-'));
});
after(async () => {
  await custos.cleanup();
  await rm(dir, { recursive: true, force: true });
});

test('apply stores the ManagedCertificate of the issue as written, and get prints it back', async () => {
  const file = join(dir, 'web.yaml');
  await writeFile(file, ISSUE_FORM);
  const applied = await custos.run('apply', '-f', file, '--json');
  assert.equal(applied.code, 0, applied.stderr);
  const got = await custos.run('get', 'managedcertificates', '-o', 'json');
  assert.equal(got.code, 0, got.stderr);
  const [object] =
    got.json<Array<{ kind: string; metadata: { name: string }; spec: Record<string, unknown> }>>();
  assert.equal(object?.kind, 'ManagedCertificate');
  assert.equal(object?.metadata.name, 'web');
  assert.deepEqual(object?.spec['verify'], [
    { host: '10.0.0.5', port: 443, sni: 'web.corp.example' },
    { host: '10.0.0.6', port: 443, sni: 'web.corp.example' },
  ]);
  assert.deepEqual(object?.spec['privateKey'], { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
});

test('apply refuses a ManagedCertificate with every problem and its path, writing nothing', async () => {
  const file = join(dir, 'bad.yaml');
  await writeFile(
    file,
    `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: bad}
spec:
  duration: 24h
  renewBefore: 48h
  issuerRef: {name: default}
  privateKey: {algorithm: RSA, size: 256}
  destinations:
    - file: {certificate: relative.crt, privateKey: /k.pem, mode: 600}
  verify:
    - {host: a.example, port: 70000}
`,
  );
  const applied = await custos.run('apply', '-f', file);
  assert.equal(applied.code, 2, applied.stderr);
  for (const expected of [
    'spec.destinations[0].file.certificate',
    'spec.destinations[0].file.mode',
    'spec.verify[0].port',
  ])
    assert.match(applied.stderr, new RegExp(expected.replace(/[.[\]]/g, '\\$&')), applied.stderr);
  await writeFile(
    file,
    `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: bad}
spec:
  duration: 24h
  renewBefore: 48h
  issuerRef: {name: default}
  privateKey: {algorithm: RSA, size: 256}
`,
  );
  const second = await custos.run('apply', '-f', file);
  assert.equal(second.code, 2);
  assert.match(second.stderr, /at least one of commonName, dnsNames, ipAddresses, uris/);
  assert.match(second.stderr, /RSA takes size 2048, 3072, 4096, got 256/);
  assert.match(second.stderr, /renewBefore \(48h\) must be shorter than duration \(24h\)/);
  const got = await custos.run('get', 'managedcertificates', '-o', 'json');
  assert.deepEqual(
    got.json<Array<{ metadata: { name: string } }>>().map((o) => o.metadata.name),
    ['web'],
  );
});
