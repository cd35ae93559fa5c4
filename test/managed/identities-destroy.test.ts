/**
 * `custos identities destroy NAME` through the real CLI and the built-in CA: the identity's managed certificate is
 * revoked (cessationOfOperation), its files removed and its endpoint no longer serves it; a certificate issued for
 * the identity with `cert issue` is revoked too; the Identity is gone, in one `identity.destroyed` event.
 */
import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { withRuntime } from '../../src/compose/runtime.js';
import { aCertificate, withDnsNames } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { servingFiles, type Running } from '../scan-tls/servers.js';

let custos: Custos;
let dir: string;
let endpoint: Running;

before(async () => {
  custos = await aCustos();
  dir = await mkdtemp(join(tmpdir(), 'custos-identities-destroy-'));
  const placeholder = await aCertificate(withDnsNames('edge.test'));
  // Serves the deployed files while they exist, the placeholder once they are removed.
  endpoint = await servingFiles(
    { key: join(dir, 'edge.key'), cert: join(dir, 'edge.crt') },
    { key: placeholder, chain: [placeholder] },
  );
  assert.equal((await custos.run('ca', 'init')).code, 0);
});
after(async () => {
  await endpoint.close();
  await custos.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const revocationOf = (fingerprintSha256: string) =>
  withRuntime(
    {
      surface: 'cli',
      flags: [{ key: 'dataDir', flag: '--data-dir', value: custos.dataDir as string }],
      env: {},
      cwd: dir,
    },
    async (rt) => (await rt.store.authorities.issued({ fingerprintSha256 }))?.revocation ?? null,
  );

test('destroy revokes and tears down the identity certificates and deletes it, in one audited event', async () => {
  const file = join(dir, 'edge.yaml');
  await writeFile(
    file,
    `apiVersion: custos/v1
kind: Owner
metadata: {name: edge-team}
spec: {contacts: {email: [edge@corp.example]}}
---
apiVersion: custos/v1
kind: Identity
metadata: {name: edge-17}
spec: {kind: device, owner: edge-team}
---
apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: edge}
spec:
  identity: edge-17
  dnsNames: [edge.test]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(dir, 'edge.crt')}, privateKey: ${join(dir, 'edge.key')}}
  verify:
    - {host: 127.0.0.1, port: ${endpoint.port}, sni: edge.test}
`,
  );
  assert.equal((await custos.run('apply', '-f', file)).code, 0);
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 0);
  const managed = (await custos.run('managed', 'status', 'edge', '--json')).json<{
    fingerprintSha256: string;
  }>();
  const issued = await custos.run(
    'cert',
    'issue',
    '--generate-key',
    'ec-p256',
    '--dns',
    'edge-17.corp.example',
    '--identity',
    'edge-17',
    '--out-dir',
    join(dir, 'issued'),
    '--json',
  );
  assert.equal(issued.code, 0, issued.stderr);
  const other = issued.json<{ fingerprintSha256: string }>().fingerprintSha256;

  const destroyed = await custos.run('identities', 'destroy', 'edge-17', '--json');
  assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
  const result = destroyed.json<{
    identity: string;
    managed: Array<{ name: string; revoked: string[] }>;
    revoked: string[];
    stillServed: unknown[];
  }>();
  assert.deepEqual(
    result.managed.map((m) => m.name),
    ['edge'],
  );
  assert.deepEqual([...result.revoked].sort(), [managed.fingerprintSha256, other].sort());
  assert.deepEqual(result.stillServed, []);
  assert.equal((await revocationOf(managed.fingerprintSha256))?.reason, 'cessationOfOperation');
  assert.equal((await revocationOf(other))?.reason, 'cessationOfOperation');
  await assert.rejects(access(join(dir, 'edge.crt')), { code: 'ENOENT' });
  assert.equal((await custos.run('get', 'identities', '-o', 'json')).json<unknown[]>().length, 0);
  assert.equal((await custos.run('get', 'managedcertificates', '-o', 'json')).json<unknown[]>().length, 0);
  const events = (await custos.run('audit', 'export')).stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; subject?: string });
  assert.equal(
    events.filter((e) => e.type === 'identity.destroyed' && e.subject === 'Identity/edge-17').length,
    1,
  );
  assert.equal((await custos.run('audit', 'verify', '--state')).code, 0, 'the recomputed state agrees');

  const again = await custos.run('identities', 'destroy', 'edge-17');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /CUSTOS_NOT_FOUND/);
});

test('the text report counts in words: "0 managed certificates", "1 certificate"', async () => {
  const file = join(dir, 'edge-18.yaml');
  await writeFile(
    file,
    `apiVersion: custos/v1
kind: Owner
metadata: {name: edge-team}
spec: {contacts: {email: [edge@corp.example]}}
---
apiVersion: custos/v1
kind: Identity
metadata: {name: edge-18}
spec: {kind: device, owner: edge-team}
`,
  );
  assert.equal((await custos.run('apply', '-f', file)).code, 0);
  const issued = await custos.run(
    'cert',
    'issue',
    '--generate-key',
    'ec-p256',
    '--dns',
    'edge-18.corp.example',
    '--identity',
    'edge-18',
    '--out-dir',
    join(dir, 'issued-18'),
    '--json',
  );
  assert.equal(issued.code, 0, issued.stderr);
  const destroyed = await custos.run('identities', 'destroy', 'edge-18');
  assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
  assert.equal(
    destroyed.stdout,
    'identity edge-18 destroyed: 0 managed certificates torn down, 1 certificate revoked (cessationOfOperation)\n',
  );
});
