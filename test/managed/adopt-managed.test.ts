/**
 * `custos managed adopt` through the real CLI: a certificate found by `scan files` (beside its key) and `scan tls`
 * (served by a real TLS endpoint) becomes a ManagedCertificate with the same names and key type, its destination
 * the files where it was found and its verification endpoint the endpoint that serves it; `managed reconcile` then
 * replaces it with a revision of the built-in CA, served by the endpoint. Adopting again under the same name is
 * refused; a certificate found without its key needs --destination.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import {
  aCertificate,
  withDnsNames,
  withFreshKey,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { listen, type Running } from '../scan-tls/servers.js';

let custos: Custos;
let dir: string;
let found: BuiltCertificate;
let lonely: BuiltCertificate;
let endpoint: Running;

before(async () => {
  custos = await aCustos();
  dir = await mkdtemp(join(tmpdir(), 'custos-adopt-'));
  await mkdir(join(dir, 'tls'));
  await mkdir(join(dir, 'lonely'));
  found = await aCertificate(
    withSubject('CN=shop.test'),
    withDnsNames('shop.test', 'www.shop.test'),
    withFreshKey(),
  );
  lonely = await aCertificate(withSubject('CN=lonely.test'), withDnsNames('lonely.test'), withFreshKey());
  await writeFile(join(dir, 'tls', 'shop.crt'), found.pem);
  await writeFile(join(dir, 'tls', 'shop.key'), found.privateKeyPem, { mode: 0o600 });
  await writeFile(join(dir, 'lonely', 'lonely.crt'), lonely.pem);
  // The endpoint serves whatever the files hold, read at every handshake.
  const server = createTlsServer({
    key: found.privateKeyPem,
    cert: found.pem,
    SNICallback: (_name, done) => {
      Promise.all([readFile(join(dir, 'tls', 'shop.key')), readFile(join(dir, 'tls', 'shop.crt'))]).then(
        ([key, cert]) => done(null, createSecureContext({ key, cert })),
        (error: Error) => done(error),
      );
    },
  });
  server.on('tlsClientError', () => undefined);
  endpoint = await listen(server);
  assert.equal((await custos.run('ca', 'init')).code, 0);
  assert.equal((await custos.run('scan', 'files', dir)).code, 0);
  const scanned = await custos.run(
    'scan',
    'tls',
    '127.0.0.1',
    '--ports',
    String(endpoint.port),
    '--sni',
    'shop.test',
  );
  assert.ok([0, 1].includes(scanned.code), scanned.stderr);
});
after(async () => {
  await endpoint.close();
  await custos.cleanup();
  await rm(dir, { recursive: true, force: true });
});

interface Adopted {
  name: string;
  fingerprintSha256: string;
  manifest: string;
  apply: { dryRun: boolean; objects: Array<{ kind: string; name: string; change: string }> };
}

test('adopt makes a ManagedCertificate of what was found: same names and key, its files, its endpoint', async () => {
  const dry = await custos.run(
    'managed',
    'adopt',
    found.fingerprintSha256.slice(0, 12),
    '--issuer',
    'default',
    '--dry-run',
    '--json',
  );
  assert.equal(dry.code, 0, dry.stderr);
  const preview = dry.json<Adopted>();
  assert.equal(preview.name, 'shop.test');
  assert.equal(preview.apply.dryRun, true);
  const lifetimeDays = Math.round(
    (found.x509.notAfter.getTime() - found.x509.notBefore.getTime()) / 86_400_000,
  );
  assert.deepEqual(parse(preview.manifest), {
    apiVersion: 'custos/v1',
    kind: 'ManagedCertificate',
    metadata: { name: 'shop.test' },
    spec: {
      commonName: 'shop.test',
      dnsNames: ['shop.test', 'www.shop.test'],
      duration: `${lifetimeDays}d`,
      issuerRef: { name: 'default' },
      privateKey: { algorithm: 'ECDSA', size: 256 },
      destinations: [
        { file: { certificate: join(dir, 'tls', 'shop.crt'), privateKey: join(dir, 'tls', 'shop.key') } },
      ],
      verify: [{ host: '127.0.0.1', port: endpoint.port, sni: 'shop.test' }],
    },
  });
  assert.equal(
    (await custos.run('get', 'managedcertificates', '-o', 'json')).json<unknown[]>().length,
    0,
    'dry run',
  );

  const adopted = await custos.run(
    'managed',
    'adopt',
    found.fingerprintSha256,
    '--issuer',
    'default',
    '--duration',
    '24h',
  );
  assert.equal(adopted.code, 0, adopted.stderr);
  assert.match(adopted.stdout, /ManagedCertificate\/shop\.test created/);

  const reconciled = await custos.run('managed', 'reconcile', '--timeout', '60s');
  assert.equal(reconciled.code, 0, reconciled.stdout + reconciled.stderr);
  const status = (await custos.run('managed', 'status', 'shop.test', '--json')).json<{
    revision: number;
    fingerprintSha256: string;
    conditions: Array<{ type: string; status: string }>;
  }>();
  assert.equal(status.revision, 1);
  assert.notEqual(status.fingerprintSha256, found.fingerprintSha256, 'a revision of the built-in CA');
  assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(
    await readFile(join(dir, 'tls', 'shop.crt.previous'), 'utf8'),
    found.pem,
    'the adopted one kept',
  );

  const again = await custos.run('managed', 'adopt', found.fingerprintSha256, '--issuer', 'default');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /CUSTOS_MANAGED_EXISTS/);
});

test('a certificate found without its key needs --destination', async () => {
  const refused = await custos.run('managed', 'adopt', lonely.fingerprintSha256, '--issuer', 'default');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /CUSTOS_MANAGED_ADOPT_NO_DESTINATION/);
  const given = await custos.run(
    'managed',
    'adopt',
    lonely.fingerprintSha256,
    '--issuer',
    'default',
    '--dry-run',
    '--json',
    '--destination',
    `${join(dir, 'lonely', 'lonely.crt')},${join(dir, 'lonely', 'lonely.key')}`,
  );
  assert.equal(given.code, 0, given.stderr);
  const spec = (
    parse(given.json<Adopted>().manifest) as { spec: { destinations: unknown; verify?: unknown } }
  ).spec;
  assert.deepEqual(spec.destinations, [
    {
      file: { certificate: join(dir, 'lonely', 'lonely.crt'), privateKey: join(dir, 'lonely', 'lonely.key') },
    },
  ]);
  assert.equal(spec.verify, undefined);
});
