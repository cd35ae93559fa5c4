/**
 * Crash recovery with the built-in CA: the CA keeps the request key of every managed issuance, and `findIssued`
 * (src/compose/managed.ts) hands back what it already signed for that key. A reconciler that dies after the CA
 * committed its issuance but before the revision was recorded (modelled by an issuer that lets the real CA issue,
 * then fails as a killed process would) leaves a pending revision; the next run records the CA's first
 * certificate: one revision, one `certificate.issued`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { buildIssuerRegistry, managedDependencies } from '../../src/compose/managed.js';
import { withRuntime } from '../../src/compose/runtime.js';
import { nodeLeafKeyGenerator } from '../../src/connectors/crypto/leaf-key-generator.js';
import { canLookUpIssued } from '../../src/core/managed/issuer-registry.js';
import { runReconciler } from '../../src/core/managed/managed-jobs.js';
import type { Issuer } from '../../src/core/ports/issuer.js';
import { parseCertificate } from '../../src/pki/x509/lean-reader.js';
import { aCustos, type Custos } from '../support/cli.js';

let custos: Custos;
let dir: string;
before(async () => {
  custos = await aCustos();
  dir = await mkdtemp(join(tmpdir(), 'custos-ca-recovery-'));
  assert.equal((await custos.run('ca', 'init')).code, 0);
});
after(async () => {
  await custos.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const runtime = <T>(work: Parameters<typeof withRuntime<T>>[1]) =>
  withRuntime<T>(
    {
      surface: 'cli',
      flags: [{ key: 'dataDir', flag: '--data-dir', value: custos.dataDir as string }],
      env: {},
      cwd: dir,
    },
    work,
  );

test('findIssued returns what the CA issued under the request key for that key, and nothing else', async () => {
  await runtime(async (rt) => {
    const issuer = (await buildIssuerRegistry(rt)).get('default') as Issuer;
    assert.ok(canLookUpIssued(issuer));
    const key = await nodeLeafKeyGenerator.generate('ECDSA', 256);
    const other = await nodeLeafKeyGenerator.generate('ECDSA', 256);
    const request = {
      commonName: 'lookup.test',
      dnsNames: ['lookup.test'],
      ipAddresses: [],
      uris: [],
      publicKeySpki: key.publicKeySpki,
      ttlMs: 3_600_000,
      identity: null,
      requestKey: 'managed/lookup/1',
    };
    const issued = await issuer.issue(request);
    const found = await issuer.findIssued('managed/lookup/1', key.publicKeySpki);
    assert.deepEqual(found?.certificate, issued.certificate);
    assert.deepEqual(found?.chain, issued.chain);
    assert.equal(await issuer.findIssued('managed/lookup/1', other.publicKeySpki), null);
    assert.equal(await issuer.findIssued('managed/lookup/2', key.publicKeySpki), null);
    await issuer.revoke(parseCertificate(issued.certificate).fingerprintSha256, 'superseded');
    assert.equal(await issuer.findIssued('managed/lookup/1', key.publicKeySpki), null, 'not a revoked one');
  });
});

test('a run that dies after the CA signed is finished by the next with the same certificate', async () => {
  const file = join(dir, 'web.yaml');
  await writeFile(
    file,
    `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: web}
spec:
  dnsNames: [web.test]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(dir, 'web.crt')}, privateKey: ${join(dir, 'web.key')}}
`,
  );
  assert.equal((await custos.run('apply', '-f', file)).code, 0);

  let signed: Uint8Array | null = null;
  await runtime(async (rt) => {
    const deps = await managedDependencies(rt);
    const ca = deps.issuers.get('default') as Issuer;
    // The CA commits its issuance; the process "dies" before the revision is recorded.
    const dying: Issuer = {
      issue: async (request) => {
        signed = (await ca.issue(request)).certificate;
        throw new Error('killed after the CA signed');
      },
      revoke: (fingerprint, reason) => ca.revoke(fingerprint, reason),
    };
    await runReconciler({ ...deps, issuers: new Map([['default', dying]]) }, { worker: 'dying' });
    const status = await rt.store.managed.status('web');
    assert.equal(status?.revision, null);
    assert.equal(status?.pending?.requestKey, 'managed/web/1');
  });
  assert.ok(signed !== null);

  // The failed attempt is retried after its backoff (about 10 s): wait for it, as cron would run again.
  const [listed] = (await custos.run('managed', 'list', '--json')).json<
    Array<{ nextRetry: string | null }>
  >();
  const retry = Date.parse(listed?.nextRetry ?? '') - Date.now();
  if (retry > 0) await wait(retry + 200);
  const run = await custos.run('managed', 'reconcile', '--timeout', '60s');
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const view = (await custos.run('managed', 'status', 'web', '--json')).json<{
    revision: number;
    fingerprintSha256: string;
  }>();
  assert.equal(view.revision, 1);
  assert.equal(view.fingerprintSha256, parseCertificate(signed).fingerprintSha256);
  const records = (await custos.run('audit', 'export')).stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type?: string; data?: Record<string, unknown> });
  const issuedForWeb = records.filter(
    (r) => r.type === 'certificate.issued' && JSON.stringify(r.data).includes('managed/web/1'),
  );
  assert.equal(issuedForWeb.length, 1);
  const managedIssued = records.filter((r) => r.type === 'managed.issued');
  assert.equal(managedIssued.length, 1);
  assert.equal(managedIssued[0]?.data?.['recoveredIssuance'], true);
});
