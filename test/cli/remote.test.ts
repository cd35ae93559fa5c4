/**
 * The CLI against a server (`--server URL` / CUSTOS_SERVER with CUSTOS_TOKEN): a real `custos serve` over its own
 * data directory, and the CLI run from an empty directory elsewhere. The same commands answer the same as on the
 * server's store; what only the local store can do says so; credentials and reachability fail with their codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCustos } from '../support/cli.js';
import { aServer, type ServerProcess } from '../support/server.js';

async function signInLines(server: ServerProcess): Promise<{ adminToken: string }> {
  for (let i = 0; i < 200; i++) {
    const { stdout } = server.output();
    const token = /^admin token: (\S+)$/m.exec(stdout)?.[1];
    if (token !== undefined && /^dashboard: /m.test(stdout)) return { adminToken: token };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no admin token printed:\n${server.output().stdout}`);
}

const openssl = (args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' });

test('the CLI runs the same commands against a server over its API', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'custos-remote-'));
  const serverDir = join(root, 'server');
  const clientDir = join(root, 'client');
  const certs = join(root, 'certs');
  await Promise.all([mkdir(clientDir), mkdir(certs)]);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=remote.test',
    '-addext',
    'subjectAltName=DNS:remote.test',
    '-days',
    '10',
    '-keyout',
    join(certs, 'remote.key'),
    '-out',
    join(certs, 'remote.pem'),
  ]);
  const server = await aServer(['--data-dir', serverDir], { timeoutMs: 60_000 });
  t.after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });
  const { adminToken } = await signInLines(server);
  const remote = (args: string[], token = adminToken) =>
    runCustos(args, {
      cwd: clientDir,
      env: { CUSTOS_SERVER: server.url, CUSTOS_TOKEN: token },
      timeoutMs: 120_000,
    });
  const local = (args: string[]) => runCustos(['--data-dir', serverDir, ...args], { timeoutMs: 120_000 });

  await t.test('scan files runs on the server as a job and prints what the local scan prints', async () => {
    const scan = await remote(['scan', 'files', certs, '--json']);
    assert.equal(scan.code, 0, scan.stderr);
    const result = scan.json<{ files: number; certificates: number; new: number }>();
    assert.equal(result.certificates, 1);
    assert.equal(result.new, 1);
  });

  await t.test('inventory list, findings and ca list answer what the server store holds', async () => {
    for (const args of [
      ['inventory', 'list', '--json'],
      ['findings', '--json'],
      ['ca', 'list', '--json'],
    ]) {
      const [r, l] = await Promise.all([remote(args), local(args)]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json(), l.json(), `custos ${args.join(' ')}`);
    }
    const table = await remote(['inventory', 'list']);
    assert.match(table.stdout, /remote\.test/);
  });

  await t.test('cert issue --generate-key keeps the key here and sends only a CSR', async () => {
    const out = join(clientDir, 'tls');
    const issued = await remote([
      'cert',
      'issue',
      '--generate-key',
      'ec-p256',
      '--dns',
      'svc.remote.test',
      '--ttl',
      '1h',
      '--out-dir',
      out,
      '--json',
    ]);
    assert.equal(issued.code, 0, issued.stderr);
    const summary = issued.json<{ fingerprintSha256: string; files: Record<string, string> }>();
    for (const f of ['cert.pem', 'chain.pem', 'fullchain.pem', 'key.pem'])
      assert.ok(existsSync(join(out, f)), f);
    assert.equal(
      openssl(['x509', '-in', join(out, 'cert.pem'), '-noout', '-pubkey']),
      openssl(['pkey', '-in', join(out, 'key.pem'), '-pubout']),
      'the certificate is for the key written here',
    );
    assert.match(
      openssl(['x509', '-in', join(out, 'cert.pem'), '-noout', '-ext', 'subjectAltName']),
      /svc\.remote\.test/,
    );
    const shown = await local(['inventory', 'show', summary.fingerprintSha256.slice(0, 12), '--json']);
    assert.equal(shown.code, 0, 'the server recorded it');

    const revoked = await remote([
      'cert',
      'revoke',
      summary.fingerprintSha256,
      '--reason',
      'keyCompromise',
      '--json',
    ]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.json<{ revoked: boolean }>().revoked, true);

    // By serial, as `cert issue` printed it (colons allowed): the server resolves it as the local store would.
    const second = await remote([
      'cert',
      'issue',
      '--generate-key',
      'ec-p256',
      '--dns',
      'two.remote.test',
      '--ttl',
      '1h',
      '--out-dir',
      join(clientDir, 'tls-2'),
      '--json',
    ]);
    assert.equal(second.code, 0, second.stderr);
    const serial = second.json<{ serialNumber: string }>().serialNumber;
    const colons = serial.match(/.{1,2}/g)?.join(':') ?? serial;
    const bySerial = await remote(['cert', 'revoke', colons, '--reason', 'superseded', '--json']);
    assert.equal(bySerial.code, 0, bySerial.stderr);
    assert.deepEqual(
      (({ serialNumber, revoked, reason }) => ({ serialNumber, revoked, reason }))(
        bySerial.json<{ serialNumber: string; revoked: boolean; reason: string }>(),
      ),
      { serialNumber: serial, revoked: true, reason: 'superseded' },
    );
    const again = await remote(['cert', 'revoke', serial, '--reason', 'superseded', '--json']);
    assert.equal(again.json<{ revoked: boolean }>().revoked, false, 'revoking again changes nothing');
    const unknown = await remote(['cert', 'revoke', '0badc0de', '--reason', 'superseded']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /CUSTOS_ISSUED_NOT_FOUND/);
  });

  await t.test(
    'owners, ack, adopt, bootstrap tokens, identities, jobs and metrics go through the API',
    async () => {
      const governance = join(clientDir, 'governance.yaml');
      await writeFile(
        governance,
        [
          'apiVersion: custos/v1\nkind: Owner\nmetadata: {name: team-a}\nspec: {contacts: {email: [a@corp.example]}}',
          'apiVersion: custos/v1\nkind: Owner\nmetadata: {name: team-b}\nspec: {contacts: {email: [b@corp.example]}}',
          'apiVersion: custos/v1\nkind: Identity\nmetadata: {name: edge}\nspec: {owner: team-a, kind: device}',
        ].join('\n---\n'),
      );
      assert.equal((await remote(['apply', '-f', governance])).code, 0);
      const [owners, ownersHere] = await Promise.all([
        remote(['get', 'owners', '-o', 'json']),
        local(['get', 'owners', '-o', 'json']),
      ]);
      assert.equal(owners.code, 0, owners.stderr);
      assert.deepEqual(owners.json(), ownersHere.json());

      const listed = await remote(['inventory', 'list', '--json']);
      const item = listed
        .json<Array<{ fingerprintSha256: string; subject: string }>>()
        .find((c) => c.subject.includes('remote.test'));
      assert.ok(item, listed.stdout);
      const prefix = item.fingerprintSha256.slice(0, 12);
      const assigned = await remote(['owners', 'assign', prefix, 'team-b', '--json']);
      assert.equal(assigned.code, 0, assigned.stderr);
      assert.equal(assigned.json<{ owner: string }>().owner, 'team-b');
      const shown = await local(['inventory', 'show', prefix, '--json']);
      assert.equal(shown.json<{ owner: string }>().owner, 'team-b', 'the server store holds the assignment');

      const ack = await remote(['ack', prefix, '--by', 'alice', '--json']);
      assert.equal(ack.code, 0, ack.stderr);
      assert.equal(ack.json<{ by: string }>().by, 'alice');

      const planned = await remote([
        'managed',
        'adopt',
        prefix,
        '--issuer',
        'default',
        '--dry-run',
        '--json',
      ]);
      assert.equal(planned.code, 0, planned.stderr);
      assert.match(planned.json<{ manifest: string }>().manifest, /remote\.pem/, 'found beside its key');
      const adopted = await remote(['managed', 'adopt', prefix, '--issuer', 'default', '--name', 'adopted']);
      assert.equal(adopted.code, 0, adopted.stderr);
      const managed = await local(['managed', 'list', '--json']);
      assert.ok(managed.json<Array<{ name: string }>>().some((m) => m.name === 'adopted'));

      const bootstrap = await remote(['token', 'bootstrap', '--identity', 'edge', '--ttl', '15m', '--json']);
      assert.equal(bootstrap.code, 0, bootstrap.stderr);
      assert.equal(bootstrap.json<{ identity: string }>().identity, 'edge');

      const destroyed = await remote(['identities', 'destroy', 'edge', '--json']);
      assert.equal(destroyed.code, 0, destroyed.stderr);
      assert.equal(destroyed.json<{ identity: string }>().identity, 'edge');
      const identities = await local(['get', 'identities', '-o', 'json']);
      assert.deepEqual(identities.json(), [], 'the server store no longer has it');

      const jobs = await remote(['jobs', 'list', '--json']);
      assert.equal(jobs.code, 0, jobs.stderr);
      assert.ok(Array.isArray(jobs.json()));
      const metrics = await remote(['metrics']);
      assert.equal(metrics.code, 0, metrics.stderr);
      assert.match(metrics.stdout, /^x509_cert_not_after\{.*subject_CN="remote\.test"/m);
    },
  );

  await t.test('what only the local store can do refuses rather than touching a local store', async () => {
    const secrets = await remote(['get', 'owners', '--show-secrets']);
    assert.equal(secrets.code, 2);
    assert.match(secrets.stderr, /CUSTOS_REMOTE_UNSUPPORTED/);
    const withPassword = await remote(['scan', 'files', certs, '--password', 'secret']);
    assert.equal(withPassword.code, 2);
    assert.match(withPassword.stderr, /CUSTOS_REMOTE_UNSUPPORTED/);
    assert.ok(!existsSync(join(clientDir, '.custos')), 'no store was made where the CLI ran');
  });

  await t.test('credentials and scopes are enforced, with the same codes as the server', async () => {
    const bad = await remote(['findings'], 'cst_not-a-token');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /CUSTOS_UNAUTHENTICATED/);
    const made = await local(['token', 'create', '--scopes', 'read', '--name', 'reader', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const reader = made.json<{ token: string }>().token;
    assert.equal((await remote(['findings'], reader)).code, 0);
    const denied = await remote(['scan', 'files', certs], reader);
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /CUSTOS_FORBIDDEN/);
  });

  await t.test('a server that is not there is CUSTOS_SERVER_UNAVAILABLE, exit 3', async () => {
    const gone = await runCustos(['findings'], {
      cwd: clientDir,
      env: { CUSTOS_SERVER: 'http://127.0.0.1:9', CUSTOS_TOKEN: adminToken },
    });
    assert.equal(gone.code, 3);
    assert.match(gone.stderr, /CUSTOS_SERVER_UNAVAILABLE/);
  });
});
