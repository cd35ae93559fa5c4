/**
 * Issue 12's "done when", through the real CLI and the built-in CA: `custos ca init`, a ManagedCertificate in the
 * issue's exact form applied with `custos apply -f`, its file destination served by a real nginx reloaded with
 * `nginx -c CONF -s reload`; `managed reconcile` -> Ready with the fingerprint nginx serves; `managed renew` ->
 * revision 2 served; a second nginx in `verify` that is never reloaded -> DeployedPartially naming it; `managed
 * rollback` -> revision 1 served again; the deployed full chain verifies against `custos ca bundle`. Then crash
 * safety: `managed reconcile` killed (SIGKILL) after the revision is issued and recorded, while the reload runs,
 * and started again finishes the renewal with exactly one new revision and one issuance at the CA.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { aCertificate, withDnsNames, withSubject } from '../support/certificates.js';
import { aCustos, CUSTOS_BIN, type Custos } from '../support/cli.js';
import { NGINX, startNginx, type Nginx } from '../support/nginx.js';

const NAME = 'web.corp.example';

/** The SHA-256 of the leaf the TLS server at port serves for SNI NAME (lower-case hex, as Custos writes it). */
const served = (port: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: NAME, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve(createHash('sha256').update(raw).digest('hex'));
    });
    socket.once('error', reject);
  });

interface StatusView {
  conditions: Array<{
    type: string;
    status: string;
    reason: string;
    message: string;
    lastTransitionTime: string;
  }>;
  revision: number | null;
  fingerprintSha256: string | null;
  staleEndpoints: Array<{ host: string; port: number; sni: string | null; servedFingerprint: string | null }>;
}

async function status(custos: Custos, name = 'web'): Promise<StatusView> {
  const run = await custos.run('managed', 'status', name, '--json');
  assert.equal(run.code, 0, run.stderr);
  const view = run.json<StatusView>();
  assert.deepEqual(Object.keys(view), ['conditions', 'revision', 'fingerprintSha256', 'staleEndpoints']);
  for (const c of view.conditions)
    assert.deepEqual(Object.keys(c), ['type', 'status', 'reason', 'message', 'lastTransitionTime']);
  for (const e of view.staleEndpoints)
    assert.deepEqual(Object.keys(e), ['host', 'port', 'sni', 'servedFingerprint']);
  return view;
}

const condition = (v: StatusView, type: string) => v.conditions.find((c) => c.type === type);

async function auditTypes(custos: Custos): Promise<string[]> {
  const exported = await custos.run('audit', 'export');
  assert.equal(exported.code, 0, exported.stderr);
  return exported.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { type?: string }).type ?? '');
}

const count = (types: string[], type: string) => types.filter((t) => t === type).length;

async function auditRecords(custos: Custos): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const exported = await custos.run('audit', 'export');
  assert.equal(exported.code, 0, exported.stderr);
  return exported.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> })
    .filter((r) => typeof r.type === 'string');
}

interface DeleteView {
  name: string;
  revoked: string[];
  destinations: Array<{ target: string; ok: boolean; files: string[]; error: string | null }>;
  stillServed: Array<{
    host: string;
    port: number;
    sni: string | null;
    revision: number;
    servedFingerprint: string;
  }>;
}

interface Files {
  cert: string;
  fullchain: string;
  key: string;
}

/** The ManagedCertificate exactly in the issue's form, with temp paths, this reload command and these endpoints. */
function manifest(name: string, files: Files, reload: string[], endpoints: number[]): string {
  return `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: ${name}}
spec:
  commonName: ${NAME}
  dnsNames: [${NAME}]
  duration: 24h
  renewBefore: 8h
  issuerRef: {name: default}            # the built-in CA created by \`custos ca init\`
  privateKey: {algorithm: ECDSA, size: 256, rotationPolicy: Always}
  destinations:
    - file:
        certificate: ${files.cert}
        fullchain: ${files.fullchain}
        privateKey: ${files.key}
        reload: {command: ${JSON.stringify(reload)}, timeout: 10s}
  verify:
${endpoints.map((port) => `    - {host: 127.0.0.1, port: ${port}, sni: ${NAME}}`).join('\n')}
`;
}

/** Destination files holding a placeholder certificate, so nginx can start before Custos deploys anything. */
async function placeholderFiles(dir: string): Promise<{ files: Files; fingerprint: string }> {
  await mkdir(dir, { recursive: true });
  const files = {
    cert: join(dir, 'web.crt'),
    fullchain: join(dir, 'web-fullchain.pem'),
    key: join(dir, 'web.key'),
  };
  const initial = await aCertificate(withSubject(`CN=${NAME}`), withDnsNames(NAME));
  await writeFile(files.fullchain, initial.pem);
  await writeFile(files.key, initial.privateKeyPem, { mode: 0o600 });
  return { files, fingerprint: initial.fingerprintSha256 };
}

async function apply(custos: Custos, dir: string, text: string): Promise<void> {
  const file = join(dir, 'web.yaml');
  await writeFile(file, text);
  const applied = await custos.run('apply', '-f', file);
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
}

const skip = existsSync(NGINX) ? false : `${NGINX} is not installed`;

describe('The closed loop through the CLI and the built-in CA, with real nginx', { skip }, () => {
  let root: string;
  let custos: Custos;
  let first: Nginx;
  let second: Nginx;
  let files: Files;
  let placeholder: string;
  const fingerprints: string[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'custos-cli-loop-'));
    ({ files, fingerprint: placeholder } = await placeholderFiles(join(root, 'tls')));
    const tls = { cert: files.fullchain, key: files.key, serverName: NAME };
    first = await startNginx(root, 'first', tls);
    second = await startNginx(root, 'second', tls);
    custos = await aCustos();
    const init = await custos.run('ca', 'init');
    assert.equal(init.code, 0, init.stderr);
  });

  after(async () => {
    await first?.stop();
    await second?.stop();
    await custos?.cleanup();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('apply + reconcile: Ready, revision 1, the fingerprint nginx serves', async () => {
    await apply(custos, root, manifest('web', files, first.reload, [first.port]));
    const run = await custos.run('managed', 'reconcile', '--timeout', '60s');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const v = await status(custos);
    assert.equal(v.revision, 1);
    assert.equal(condition(v, 'Ready')?.status, 'True', JSON.stringify(v, null, 2));
    assert.deepEqual(v.staleEndpoints, []);
    assert.equal(await served(first.port), v.fingerprintSha256);
    assert.notEqual(v.fingerprintSha256, placeholder);
    fingerprints.push(v.fingerprintSha256 as string);
  });

  it('renew + reconcile: revision 2, a new fingerprint served', async () => {
    const renew = await custos.run('managed', 'renew', 'web');
    assert.equal(renew.code, 0, renew.stderr);
    const run = await custos.run('managed', 'reconcile', '--timeout', '60s');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const v = await status(custos);
    assert.equal(v.revision, 2);
    assert.equal(condition(v, 'Ready')?.status, 'True');
    assert.ok(!fingerprints.includes(v.fingerprintSha256 as string));
    assert.equal(await served(first.port), v.fingerprintSha256);
    fingerprints.push(v.fingerprintSha256 as string);
  });

  it('a second nginx in verify, never reloaded: DeployedPartially naming it and what it serves', async () => {
    await apply(custos, root, manifest('web', files, first.reload, [first.port, second.port]));
    const run = await custos.run('managed', 'reconcile', '--timeout', '60s', '--json');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const v = await status(custos);
    assert.equal(v.revision, 2);
    assert.equal(condition(v, 'Ready')?.status, 'False');
    assert.equal(condition(v, 'DeployedPartially')?.status, 'True');
    assert.deepEqual(v.staleEndpoints, [
      { host: '127.0.0.1', port: second.port, sni: NAME, servedFingerprint: placeholder },
    ]);
    assert.match(
      condition(v, 'DeployedPartially')?.message ?? '',
      new RegExp(`127\\.0\\.0\\.1:${second.port}`),
    );
    assert.equal(await served(second.port), placeholder);
  });

  it('rollback + reconcile: revision 1 served again', async () => {
    const rollback = await custos.run('managed', 'rollback', 'web', '--json');
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.deepEqual(rollback.json<{ from: number; to: number }>(), {
      from: 2,
      to: 1,
      fingerprintSha256: fingerprints[0],
    });
    await custos.run('managed', 'reconcile', '--timeout', '60s');
    const v = await status(custos);
    assert.equal(v.revision, 1);
    assert.equal(v.fingerprintSha256, fingerprints[0]);
    assert.equal(await served(first.port), fingerprints[0]);
    assert.deepEqual(
      v.staleEndpoints.map((e) => [e.port, e.servedFingerprint]),
      [[second.port, placeholder]],
    );
  });

  it('the deployed full chain verifies against `custos ca bundle`; the audit trail folds into the state', async () => {
    const bundle = await custos.run('ca', 'bundle');
    assert.equal(bundle.code, 0, bundle.stderr);
    const bundleFile = join(root, 'bundle.pem');
    await writeFile(bundleFile, bundle.stdout);
    const verified = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        'openssl',
        ['verify', '-CAfile', bundleFile, '-untrusted', files.fullchain, files.fullchain],
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout + stderr }),
      ),
    );
    assert.equal(verified.code, 0, verified.out);
    assert.match(verified.out, /: OK/);
    const types = await auditTypes(custos);
    assert.equal(count(types, 'managed.issued'), 2);
    assert.equal(count(types, 'certificate.issued'), 2);
    const state = await custos.run('audit', 'verify', '--state');
    assert.equal(state.code, 0, state.stdout + state.stderr);
  });
  it('delete --revoke: every revision revoked (cessationOfOperation), files removed, the object gone, the reload that fails and the nginx still serving revision 1 named', async () => {
    const run = await custos.run('managed', 'delete', 'web', '--revoke', '--json');
    // nginx cannot load the removed files, so it keeps serving revision 1: the teardown says so (exit 1).
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const result = run.json<DeleteView>();
    assert.deepEqual([...result.revoked].sort(), [...fingerprints].sort());
    assert.equal(result.destinations.length, 1);
    assert.equal(result.destinations[0]?.ok, false);
    assert.match(
      result.destinations[0]?.error ?? '',
      /reload command .* exited with 1: .*cannot load certificate/,
    );
    for (const file of [files.cert, files.fullchain, files.key]) assert.equal(existsSync(file), false, file);
    assert.deepEqual(result.stillServed, [
      { host: '127.0.0.1', port: first.port, sni: NAME, revision: 1, servedFingerprint: fingerprints[0] },
    ]);
    const records = await auditRecords(custos);
    const revoked = records.filter((r) => r.type === 'certificate.revoked');
    assert.deepEqual(
      revoked.map((r) => [r.data['fingerprintSha256'], r.data['reason']]).sort(),
      [...fingerprints].sort().map((f) => [f, 'cessationOfOperation']),
    );
    assert.equal(
      count(
        records.map((r) => r.type),
        'managed.deleted',
      ),
      1,
    );
    assert.equal(
      count(
        records.map((r) => r.type),
        'object.deleted',
      ),
      1,
    );
    const gone = await custos.run('managed', 'status', 'web', '--json');
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /CUSTOS_MANAGED_NOT_FOUND/);
    const list = await custos.run('managed', 'list', '--json');
    assert.deepEqual(list.json(), []);
    const state = await custos.run('audit', 'verify', '--state');
    assert.equal(state.code, 0, state.stdout + state.stderr);
  });
});

describe('Crash safety through the CLI: reconcile killed between issue and verify', { skip }, () => {
  let root: string;
  let custos: Custos;
  let nginx: Nginx;
  let files: Files;
  let armed: string;
  let pidFile: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'custos-cli-crash-'));
    ({ files } = await placeholderFiles(join(root, 'tls')));
    nginx = await startNginx(root, 'nginx', { cert: files.fullchain, key: files.key, serverName: NAME });
    custos = await aCustos();
    assert.equal((await custos.run('ca', 'init')).code, 0);
    armed = join(root, 'armed');
    pidFile = join(root, 'reload.pid');
    // The reload command: while `armed` exists it disarms, says its pid and hangs (a slow reload), else reloads.
    const reload = [
      'sh',
      '-c',
      `if [ -e ${armed} ]; then rm ${armed}; echo $$ > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; exec sleep 120; fi; exec ${nginx.reload.join(' ')}`,
    ];
    await apply(custos, root, manifest('web', files, reload, [nginx.port]));
    const run = await custos.run('managed', 'reconcile', '--timeout', '60s');
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  after(async () => {
    await nginx?.stop();
    await custos?.cleanup();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('SIGKILL while the reload runs, then reconcile again: exactly one new revision and one issuance', async () => {
    const before = await status(custos);
    assert.equal(before.revision, 1);
    assert.equal(condition(before, 'Ready')?.status, 'True');
    assert.equal((await custos.run('managed', 'renew', 'web')).code, 0);
    await writeFile(armed, '');

    const child = spawn(
      process.execPath,
      [CUSTOS_BIN, ...custos.stateFlags, 'managed', 'reconcile', '--timeout', '60s'],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (!existsSync(pidFile)) {
      assert.ok(child.exitCode === null && Date.now() < deadline, 'the reload never started');
      await wait(50);
    }
    child.kill('SIGKILL');
    await exited;
    process.kill(Number((await readFile(pidFile, 'utf8')).trim()), 'SIGKILL');

    // Killed with revision 2 issued and recorded, deployed to the files but never reloaded nor verified.
    const killed = await status(custos);
    assert.equal(killed.revision, 2);
    assert.notEqual(condition(killed, 'Ready')?.status, 'True');
    assert.equal(await served(nginx.port), before.fingerprintSha256);

    const again = await custos.run('managed', 'reconcile', '--timeout', '90s');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const v = await status(custos);
    assert.equal(v.revision, 2);
    assert.equal(condition(v, 'Ready')?.status, 'True', JSON.stringify(v, null, 2));
    assert.equal(v.fingerprintSha256, killed.fingerprintSha256);
    assert.equal(await served(nginx.port), v.fingerprintSha256);

    const types = await auditTypes(custos);
    assert.equal(count(types, 'managed.revision-requested'), 2);
    assert.equal(count(types, 'managed.issued'), 2);
    assert.equal(count(types, 'certificate.issued'), 2);
    const state = await custos.run('audit', 'verify', '--state');
    assert.equal(state.code, 0, state.stdout + state.stderr);
  });

  it('delete without --revoke, its destination command stopping nginx: files removed, no endpoint serves it, exit 0', async () => {
    // The operator's teardown: the site goes away with the certificate (its command stops this nginx).
    const quit = ['sh', '-c', `kill -QUIT $(cat ${join(dirname(nginx.conf), 'nginx.pid')})`];
    await apply(custos, root, manifest('web', files, quit, [nginx.port]));
    const run = await custos.run('managed', 'delete', 'web', '--json');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = run.json<DeleteView>();
    assert.deepEqual(result.revoked, []);
    assert.deepEqual(result.stillServed, []);
    assert.equal(existsSync(files.fullchain), false);
    assert.equal(count(await auditTypes(custos), 'certificate.revoked'), 0);
    const state = await custos.run('audit', 'verify', '--state');
    assert.equal(state.code, 0, state.stdout + state.stderr);
  });
});
