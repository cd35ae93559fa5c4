/**
 * Ownership change through the real CLI and the built-in CA: applying an Identity with another owner re-issues its
 * managed certificates with a new key (the new revision belongs to the new owner) and revokes the previous
 * revisions with reason affiliationChanged once the replacement is verified live. Applying it again changes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  dir = await mkdtemp(join(tmpdir(), 'custos-owner-change-'));
  const placeholder = await aCertificate(withDnsNames('pay.test'));
  // Serves the deployed files while they exist, the placeholder once they are removed.
  endpoint = await servingFiles(
    { key: join(dir, 'pay.key'), cert: join(dir, 'pay-fullchain.pem') },
    { key: placeholder, chain: [placeholder] },
  );
  assert.equal((await custos.run('ca', 'init')).code, 0);
});
after(async () => {
  await endpoint.close();
  await custos.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const manifest = (owner: string) => `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec: {contacts: {email: [payments@corp.example]}}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: platform}
spec: {contacts: {email: [platform@corp.example]}}
---
apiVersion: custos/v1
kind: Identity
metadata: {name: pay-api}
spec: {kind: service, owner: ${owner}}
---
apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: pay}
spec:
  identity: pay-api
  dnsNames: [pay.test]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(dir, 'pay.crt')}, fullchain: ${join(dir, 'pay-fullchain.pem')}, privateKey: ${join(dir, 'pay.key')}}
  verify:
    - {host: 127.0.0.1, port: ${endpoint.port}, sni: pay.test}
`;

async function apply(owner: string): Promise<void> {
  const file = join(dir, 'pay.yaml');
  await writeFile(file, manifest(owner));
  const run = await custos.run('apply', '-f', file);
  assert.equal(run.code, 0, run.stderr);
}

const status = async () =>
  (await custos.run('managed', 'status', 'pay', '--json')).json<{
    revision: number;
    fingerprintSha256: string;
  }>();

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

const ownerOf = async (fingerprint: string) =>
  (await custos.run('inventory', 'list', '--json'))
    .json<Array<{ fingerprintSha256: string; owner: string | null }>>()
    .find((c) => c.fingerprintSha256 === fingerprint)?.owner;

test('an identity handed to another owner: re-issued with a new key, the old revision revoked once it is live', async () => {
  await apply('payments');
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 0);
  const first = await status();
  const key1 = await readFile(join(dir, 'pay.key'), 'utf8');
  assert.equal(await ownerOf(first.fingerprintSha256), 'payments');

  await apply('platform');
  assert.equal(await revocationOf(first.fingerprintSha256), null, 'not before the replacement is live');
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 0);
  const second = await status();
  assert.equal(second.revision, 2);
  assert.notEqual(await readFile(join(dir, 'pay.key'), 'utf8'), key1, 'a new key');
  assert.equal(await ownerOf(second.fingerprintSha256), 'platform');
  assert.equal((await revocationOf(first.fingerprintSha256))?.reason, 'affiliationChanged');
  assert.equal(await revocationOf(second.fingerprintSha256), null);

  // The same owner again: nothing to replace.
  await apply('platform');
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 0);
  assert.equal((await status()).revision, 2);
});
