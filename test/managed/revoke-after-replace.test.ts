/**
 * Revocation without an outage, through the real CLI and the built-in CA: `cert revoke FP --reason keyCompromise`
 * of a managed revision still deployed issues a replacement with a new key, deploys and verifies it, and only then
 * revokes the compromised revision; a replacement that is not served everywhere keeps the old one unrevoked. A
 * run killed between the CA's revocation and its record finishes with one revocation. `--now` revokes at once and
 * names what still serves it.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, createServer as createTlsServer, type SecureContext } from 'node:tls';
import { after, before, test } from 'node:test';
import { managedDependencies } from '../../src/compose/managed.js';
import { withRuntime, type Runtime } from '../../src/compose/runtime.js';
import { runReconciler } from '../../src/core/managed/managed-jobs.js';
import type { Issuer } from '../../src/core/ports/issuer.js';
import { aCertificate, withDnsNames, withSubject } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { listen, type Running } from '../scan-tls/servers.js';

let custos: Custos;
let dir: string;
let web: Running;
let api: Running;
/** The api endpoint stops loading new files once frozen (a server nobody reloads). */
let apiFrozen = false;

/** A TLS endpoint serving the files deployed in dir/NAME, read at each handshake unless frozen. */
async function anEndpoint(name: string, frozen: () => boolean): Promise<Running> {
  const cert = await aCertificate(withSubject('CN=placeholder'), withDnsNames(`${name}.test`));
  let context: SecureContext = createSecureContext({ key: cert.privateKeyPem, cert: cert.pem });
  const server = createTlsServer({
    key: cert.privateKeyPem,
    cert: cert.pem,
    SNICallback: (_sni, done) => {
      if (frozen()) return done(null, context);
      Promise.all([readFile(join(dir, name, 'key.pem')), readFile(join(dir, name, 'fullchain.pem'))]).then(
        ([key, fullchain]) => {
          context = createSecureContext({ key, cert: fullchain });
          done(null, context);
        },
        () => done(null, context),
      );
    },
  });
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

before(async () => {
  custos = await aCustos();
  dir = await mkdtemp(join(tmpdir(), 'custos-revoke-after-replace-'));
  await mkdir(join(dir, 'web'));
  await mkdir(join(dir, 'api'));
  web = await anEndpoint('web', () => false);
  api = await anEndpoint('api', () => apiFrozen);
  assert.equal((await custos.run('ca', 'init')).code, 0);
});
after(async () => {
  await web.close();
  await api.close();
  await custos.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const runtime = <T>(work: (rt: Runtime) => Promise<T>) =>
  withRuntime<T>(
    {
      surface: 'cli',
      flags: [{ key: 'dataDir', flag: '--data-dir', value: custos.dataDir as string }],
      env: {},
      cwd: dir,
    },
    work,
  );

const managed = (name: string, port: number) => `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: ${name}}
spec:
  dnsNames: [${name}.test]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(dir, name, 'cert.pem')}, fullchain: ${join(dir, name, 'fullchain.pem')}, privateKey: ${join(dir, name, 'key.pem')}}
  verify:
    - {host: 127.0.0.1, port: ${port}, sni: ${name}.test}
`;

const status = async (name: string) =>
  (await custos.run('managed', 'status', name, '--json')).json<{
    revision: number;
    fingerprintSha256: string;
  }>();

const revocationOf = (fingerprintSha256: string) =>
  runtime(async (rt) => (await rt.store.authorities.issued({ fingerprintSha256 }))?.revocation ?? null);

async function auditTypes(
  subjects: string[],
): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  return (await custos.run('audit', 'export')).stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; subject?: string; data: Record<string, unknown> })
    .filter((r) => subjects.some((s) => (r.subject ?? '').includes(s)) || r.type === 'certificate.revoked');
}

interface RevokeJson {
  revoked: boolean;
  reason: string | null;
  managed: { name: string; revision: number; revokeAfterReplacement: boolean; endpoints: string[] } | null;
}

test('keyCompromise of a deployed revision: replaced, verified live, then revoked; never while the replacement is stale', async () => {
  const file = join(dir, 'managed.yaml');
  await writeFile(file, `${managed('web', web.port)}---\n${managed('api', api.port)}`);
  assert.equal((await custos.run('apply', '-f', file)).code, 0);
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 0);
  const web1 = await status('web');
  const api1 = await status('api');
  const key1 = await readFile(join(dir, 'web', 'key.pem'), 'utf8');

  const asked = await custos.run(
    'cert',
    'revoke',
    web1.fingerprintSha256,
    '--reason',
    'keyCompromise',
    '--json',
  );
  assert.equal(asked.code, 0, asked.stderr);
  const answer = asked.json<RevokeJson>();
  assert.equal(answer.revoked, false);
  assert.deepEqual(
    [answer.managed?.name, answer.managed?.revision, answer.managed?.revokeAfterReplacement],
    ['web', 1, true],
  );
  assert.equal(
    await revocationOf(web1.fingerprintSha256),
    null,
    'not revoked before its replacement is live',
  );
  apiFrozen = true;
  assert.equal(
    (await custos.run('cert', 'revoke', api1.fingerprintSha256, '--reason', 'keyCompromise')).code,
    0,
  );

  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 1, 'api is stale');
  const web2 = await status('web');
  assert.equal(web2.revision, 2);
  assert.notEqual(await readFile(join(dir, 'web', 'key.pem'), 'utf8'), key1, 'a new key');
  assert.equal((await revocationOf(web1.fingerprintSha256))?.reason, 'keyCompromise');
  assert.equal((await status('api')).revision, 2);
  assert.equal(await revocationOf(api1.fingerprintSha256), null, 'api 2 is not served: api 1 stays valid');

  // The order in the audit trail: asked, replacement issued, deployed, verified, Ready, then the revocation.
  const types = (await auditTypes(['ManagedCertificate/web', web1.fingerprintSha256])).map((r) => r.type);
  const order = [
    'managed.replace-requested',
    'managed.issued',
    'managed.deployed',
    'managed.verified',
    'managed.ready',
    'certificate.revoked',
    'managed.revoked-after-replace',
  ].map((t) => types.lastIndexOf(t));
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
    types.join(' '),
  );
  assert.ok(order.every((i) => i >= 0));

  // The second run changes nothing.
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 1);
  const again = await auditTypes(['ManagedCertificate/web']);
  assert.equal(again.filter((r) => r.type === 'managed.revoked-after-replace').length, 1);

  // api 2 served at last: the next retry verifies it and revokes api 1.
  apiFrozen = false;
  const [listed] = (await custos.run('managed', 'list', '--json'))
    .json<Array<{ name: string; nextRetry: string | null }>>()
    .filter((m) => m.name === 'api');
  const wait = Date.parse(listed?.nextRetry ?? '') - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 200));
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 0);
  assert.equal((await revocationOf(api1.fingerprintSha256))?.reason, 'keyCompromise');
});

test('a run killed between the CA revocation and its record: the next run finishes with one revocation', async () => {
  const web2 = await status('web');
  assert.equal(
    (await custos.run('cert', 'revoke', web2.fingerprintSha256, '--reason', 'keyCompromise')).code,
    0,
  );
  await runtime(async (rt) => {
    const deps = await managedDependencies(rt);
    const ca = deps.issuers.get('default') as Issuer;
    const dying: Issuer = {
      issue: (request) => ca.issue(request),
      revoke: async (fingerprint, reason) => {
        await ca.revoke(fingerprint, reason);
        throw new Error('killed after the CA revoked');
      },
    };
    await runReconciler({ ...deps, issuers: new Map([['default', dying]]) }, { worker: 'dying' });
  });
  assert.equal((await revocationOf(web2.fingerprintSha256))?.reason, 'keyCompromise');
  assert.equal((await status('web')).revision, 3);
  const run = await custos.run('managed', 'reconcile', '--timeout', '60s');
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const records = await auditTypes(['ManagedCertificate/web', web2.fingerprintSha256]);
  const revokedWeb2 = records.filter(
    (r) => r.type === 'certificate.revoked' && JSON.stringify(r.data).includes(web2.fingerprintSha256),
  );
  assert.equal(revokedWeb2.length, 1, 'revoked once');
  // (the record of the first revocation names web 2 too, as its replacement)
  const recorded = records.filter(
    (r) =>
      r.type === 'managed.revoked-after-replace' &&
      (r.data['revoked'] as Array<{ fingerprintSha256: string }>).some(
        (x) => x.fingerprintSha256 === web2.fingerprintSha256,
      ),
  );
  assert.equal(recorded.length, 1);
});

test('--now revokes at once, names what still serves it, and asks for the replacement', async () => {
  const web3 = await status('web');
  const now = await custos.run(
    'cert',
    'revoke',
    web3.fingerprintSha256,
    '--reason',
    'keyCompromise',
    '--now',
  );
  assert.equal(now.code, 0, now.stderr);
  assert.match(now.stdout, new RegExp(`served \\(127\\.0\\.0\\.1:${web.port} \\(web\\.test\\)\\)`));
  assert.equal((await revocationOf(web3.fingerprintSha256))?.reason, 'keyCompromise');
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 0);
  assert.equal((await status('web')).revision, 4);
});
