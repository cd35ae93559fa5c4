/**
 * The commands that once ran on the local store only, against a real `custos serve` over its API with real tokens:
 * each answers with --server what it answers on the server's own store, and a read-only token is refused (exit 2,
 * CUSTOS_FORBIDDEN) what changes the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCustos } from '../support/cli.js';
import { aServer } from '../support/server.js';

const openssl = (args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' });

function selfSigned(dir: string, name: string, days: number): string {
  const pem = join(dir, `${name}.pem`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=DNS:${name}`,
    '-days',
    String(days),
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    pem,
  ]);
  return pem;
}

const EXCEPTION = `apiVersion: custos/v1
kind: Owner
metadata: {name: team-a}
spec: {contacts: {email: [a@corp.example]}}
---
apiVersion: custos/v1
kind: Exception
metadata: {name: legacy-box}
spec:
  waives: [expiring-soon]
  scope: {paths: ["**/legacy.test.pem"]}
  reason: vendor appliance
  compensatingControl: network isolation
  approver: security@corp.example
  expires: "2099-01-01T00:00:00Z"
`;

const POLICY = `apiVersion: custos/v1
kind: Policy
metadata: {name: short-lived}
spec:
  type: compliance
  code: too-long
  severity: high
  validations:
    - expression: "!certificate.subjectAltNames.exists(n, n.endsWith('long.test'))"
      message: no long.test names
`;

test('with --server, the commands answer what they answer on the server store', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'custos-remote-commands-'));
  const serverDir = join(root, 'server');
  const clientDir = join(root, 'client');
  const certs = join(root, 'certs');
  await Promise.all([mkdir(clientDir), mkdir(certs)]);
  selfSigned(certs, 'legacy.test', 10);
  const longLived = selfSigned(root, 'long.test', 400);
  // No background work: nothing changes the server's store between a remote run and the local one.
  const server = await aServer(['--data-dir', serverDir, '--no-workers'], { timeoutMs: 60_000 });
  t.after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });
  const local = (args: string[]) => runCustos(['--data-dir', serverDir, ...args], { timeoutMs: 120_000 });
  const made = await local(['token', 'create', '--scopes', 'admin', '--name', 'admin', '--json']);
  assert.equal(made.code, 0, made.stderr);
  const admin = made.json<{ token: string }>().token;
  const reader = (await local(['token', 'create', '--scopes', 'read', '--name', 'reader', '--json'])).json<{
    token: string;
  }>().token;
  const remote = (args: string[], token = admin) =>
    runCustos(args, {
      cwd: clientDir,
      env: { CUSTOS_SERVER: server.url, CUSTOS_TOKEN: token },
      timeoutMs: 120_000,
    });
  const same = async (args: string[]) => {
    const r = await remote(args);
    const l = await local(args);
    assert.equal(r.code, l.code, `custos ${args.join(' ')}: ${r.stderr}`);
    // JSON: the same values (as the other remote tests compare); tables and PEM: the same text.
    if (args.includes('--json')) assert.deepEqual(r.json(), l.json(), `custos ${args.join(' ')}`);
    else assert.equal(r.stdout, l.stdout, `custos ${args.join(' ')}`);
    return r;
  };

  assert.equal((await local(['scan', 'files', certs])).code, 0);
  const exceptionFile = join(clientDir, 'exception.yaml');
  await writeFile(exceptionFile, EXCEPTION);
  assert.equal((await remote(['apply', '-f', exceptionFile])).code, 0);

  await t.test('exceptions list', async () => {
    const listed = await same(['exceptions', 'list', '--json']);
    assert.deepEqual(
      listed.json<Array<{ name: string; state: string }>>().map((e) => [e.name, e.state]),
      [['legacy-box', 'active']],
    );
    await same(['exceptions', 'list']);
  });

  await t.test('inventory list at another moment, with another expiring-soon window', async () => {
    const at = await same([
      'inventory',
      'list',
      '--at',
      new Date(Date.now() + 20 * 86_400_000).toISOString(),
      '--json',
    ]);
    assert.deepEqual(
      at
        .json<Array<{ findings: Array<{ code: string }> }>>()[0]
        ?.findings.map((f) => f.code)
        .includes('expired'),
      true,
      'judged at that moment: expired by then',
    );
    await same(['inventory', 'list', '--expiring-soon', '5d']);
  });

  await t.test('locations list and forget', async () => {
    const listed = await same(['locations', 'list', '--json']);
    const keys = listed.json<Array<{ locationKey: string }>>().map((l) => l.locationKey);
    const key = keys.find((k) => k.endsWith('legacy.test.pem'));
    assert.ok(key !== undefined, listed.stdout);
    await same(['locations', 'list', '--kind', 'file']);
    const refused = await remote(['locations', 'forget', key], reader);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CUSTOS_FORBIDDEN/);
    const forgot = await remote(['locations', 'forget', key, '--json']);
    assert.equal(forgot.code, 0, forgot.stderr);
    assert.deepEqual(forgot.json(), [{ locationKey: key, ended: 1 }]);
    const after = (await local(['locations', 'list', '--json'])).json<Array<{ locationKey: string }>>();
    assert.ok(!after.some((l) => l.locationKey === key), 'forgotten on the server');
    const unknown = await remote(['locations', 'forget', '/no/such/file.pem']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /CUSTOS_NOT_FOUND/);
  });

  await t.test('policy test', async () => {
    const policyFile = join(clientDir, 'policy.yaml');
    await writeFile(policyFile, POLICY);
    const judged = await same(['policy', 'test', policyFile, '--certificate', longLived, '--json']);
    assert.equal(judged.code, 1);
    assert.ok(
      judged
        .json<{ decisions: Array<{ code: string; outcome: string }> }>()
        .decisions.some((d) => d.code === 'too-long' && d.outcome === 'fail'),
      judged.stdout,
    );
    const der = join(clientDir, 'long.der');
    openssl(['x509', '-in', longLived, '-outform', 'DER', '-out', der]);
    const fromDer = await remote(['policy', 'test', policyFile, '--certificate', der, '--json']);
    assert.equal(fromDer.code, 1, fromDer.stderr);
  });

  await t.test('ca bundle, ca crl', async () => {
    await same(['ca', 'bundle']);
    await same(['ca', 'bundle', '--ca', 'default']);
    const missing = await remote(['ca', 'bundle', '--ca', 'nope']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /CUSTOS_CA_NOT_FOUND/);
    const out = join(clientDir, 'default.crl');
    const published = await remote(['ca', 'crl', '--out', out, '--json']);
    assert.equal(published.code, 0, published.stderr);
    const summary = published.json<{ ca: string; crlNumber: number; file: string }>();
    assert.equal(summary.ca, 'default');
    assert.equal(summary.file, join(serverDir, 'crl', 'default.crl'), 'the file the server wrote');
    assert.match(
      openssl(['crl', '-inform', 'DER', '-in', out, '-noout', '-crlnumber']),
      /crlNumber=0x0*([0-9A-F]+)/,
    );
    const pem = await remote(['ca', 'crl']);
    assert.match(pem.stdout, /^-----BEGIN X509 CRL-----\n/);
    const next = (await local(['ca', 'crl', '--json'])).json<{ crlNumber: number }>();
    assert.equal(next.crlNumber, summary.crlNumber + 2, 'the server and the local store count the same CRLs');
    const refused = await remote(['ca', 'crl'], reader);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CUSTOS_FORBIDDEN/);
  });

  await t.test('ca init, import, rotate', async () => {
    const refused = await remote(['ca', 'init', '--name', 'second'], reader);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CUSTOS_FORBIDDEN/);
    const init = await remote(['ca', 'init', '--name', 'second', '--key-type', 'ec-p384', '--json']);
    assert.equal(init.code, 0, init.stderr);
    assert.equal(init.json<{ status: string; keyType: string }>().status, 'active');
    const shown = await local(['ca', 'show', 'second', '--json']);
    assert.deepEqual(shown.json(), init.json(), 'the server store holds it');
    const again = await remote(['ca', 'init', '--name', 'second']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /CUSTOS_CA_EXISTS/);
    const hsm = await remote([
      'ca',
      'init',
      '--name',
      'hsm',
      '--pkcs11-module',
      '/x.so',
      '--pkcs11-slot',
      '1',
    ]);
    assert.equal(hsm.code, 2);
    assert.match(hsm.stderr, /CUSTOS_REMOTE_UNSUPPORTED/);

    const rotated = await remote(['ca', 'rotate', 'second', '--overlap', '1h', '--json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const report = rotated.json<{ rotated: { name: string; status: string }; generations: unknown[] }>();
    assert.equal(report.rotated.name, 'second--r2');
    assert.equal(report.rotated.status, 'next');
    await same(['ca', 'rotate', 'second', '--status']);

    const csr = join(clientDir, 'offline.csr');
    const pending = await remote(['ca', 'init', '--name', 'offline', '--intermediate-csr', '--out', csr]);
    assert.equal(pending.code, 0, pending.stderr);
    const rootKey = join(clientDir, 'root.key');
    const rootPem = join(clientDir, 'root.pem');
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      rootKey,
      '-out',
      rootPem,
      '-subj',
      '/CN=External Root',
      '-days',
      '30',
    ]);
    const ext = join(clientDir, 'ext.cnf');
    await writeFile(
      ext,
      'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
    );
    const signed = join(clientDir, 'offline.crt');
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      rootPem,
      '-CAkey',
      rootKey,
      '-set_serial',
      '7',
      '-out',
      signed,
      '-days',
      '20',
      '-extfile',
      ext,
    ]);
    const imported = await remote([
      'ca',
      'import',
      'offline',
      '--certificate',
      signed,
      '--chain',
      rootPem,
      '--json',
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.json<{ status: string }>().status, 'active');
    await same(['ca', 'list', '--json']);
  });

  await t.test('audit verify, checkpoint and export', async () => {
    await same(['audit', 'verify', '--json']);
    await same(['audit', 'verify', '--state']);
    const checkpoint = await remote(['audit', 'checkpoint']);
    assert.equal(checkpoint.code, 0, checkpoint.stderr);
    const file = join(clientDir, 'checkpoint.json');
    await writeFile(file, checkpoint.stdout);
    const held = await remote(['audit', 'verify', '--checkpoint', file]);
    assert.equal(held.code, 0, held.stderr);
    assert.match(held.stdout, /1 checkpoint holds/);
    const exported = await remote(['audit', 'export']);
    assert.equal(exported.code, 0, exported.stderr);
    const exportFile = join(clientDir, 'audit.jsonl');
    await writeFile(exportFile, exported.stdout);
    const publicKey = join(clientDir, 'audit-public.pem');
    await writeFile(publicKey, (await same(['audit', 'public-key'])).stdout);
    const offline = await runCustos(['audit', 'verify', '--file', exportFile, '--public-key', publicKey], {
      cwd: clientDir,
    });
    assert.equal(offline.code, 0, offline.stderr);
  });

  await t.test('notify run and log, managed reconcile', async () => {
    const refused = await remote(['notify', 'run'], reader);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CUSTOS_FORBIDDEN/);
    const run = await remote(['notify', 'run', '--thresholds', '30,7', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json<{ failed: number }>().failed, 0);
    await same(['notify', 'log', '--json']);
    await same(['notify', 'log']);
    const readerRefused = await remote(['managed', 'reconcile'], reader);
    assert.equal(readerRefused.code, 2);
    assert.match(readerRefused.stderr, /CUSTOS_FORBIDDEN/);
    await same(['managed', 'reconcile', '--json']);
  });

  await t.test('token login-code signs a browser in at the server', async () => {
    const refused = await remote(['token', 'login-code'], reader);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CUSTOS_FORBIDDEN/);
    const made = await remote(['token', 'login-code']);
    assert.equal(made.code, 0, made.stderr);
    const url = made.stdout.trim();
    assert.ok(url.startsWith(`${server.url}/login?code=`), url);
    const signIn = await fetch(url, { redirect: 'manual' });
    assert.equal(signIn.status, 303);
    assert.match(signIn.headers.get('set-cookie') ?? '', /custos_session=/);
  });

  await t.test('an owner-bound token may not reach beyond its owner', async () => {
    const bound = (
      await local(['token', 'create', '--scopes', 'admin', '--owner', 'team-a', '--name', 'a', '--json'])
    ).json<{ token: string }>().token;
    for (const args of [
      ['locations', 'list'],
      ['ca', 'init', '--name', 'third'],
      ['managed', 'reconcile'],
      ['audit', 'checkpoint'],
      ['notify', 'run'],
    ]) {
      const refused = await remote(args, bound);
      assert.equal(refused.code, 2, `custos ${args.join(' ')}`);
      assert.match(refused.stderr, /CUSTOS_FORBIDDEN/);
    }
    const log = await remote(['notify', 'log', '--json'], bound);
    assert.equal(log.code, 0, log.stderr);
    assert.deepEqual(log.json(), []);
  });
});
