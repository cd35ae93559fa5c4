/**
 * `custos serve` on a fresh data directory creates the built-in CA and, with --tls, serves HTTPS with a certificate
 * from it that curl, openssl s_client and node's TLS client verify against `custos ca bundle`; it is kept across a
 * restart, renewed at 2/3 of its lifetime and served without a restart. With --tls-cert/--tls-key it serves the
 * files and serves new ones when they are rewritten or on SIGHUP. Two servers starting at once on one store
 * create one CA.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ensureBuiltInCa } from '../../src/compose/builtin-ca.js';
import { DIALECTS } from '../store/dialects.js';
import { runCustos } from '../support/cli.js';
import { aRuntime, aServer } from '../support/server.js';

const run = promisify(execFile);

/** The fingerprint of the leaf the server presents, from a client that verifies it against `ca`. */
function servedFingerprint(url: string, ca: string, servername = 'localhost'): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca, servername }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase();
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('custos serve: the built-in CA and TLS', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-serve-tls-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a fresh data dir gets the built-in CA; --tls serves a certificate that verifies against ca bundle', async () => {
    const dataDir = join(dir, 'builtin');
    const server = await aServer(['--data-dir', dataDir, '--tls']);
    let first: string;
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.match(server.output().stdout, /^built-in CA "default" created/m);
      const bundle = await runCustos(['--data-dir', dataDir, 'ca', 'bundle']);
      assert.equal(bundle.code, 0, bundle.stderr);
      const bundleFile = join(dir, 'bundle.pem');
      await writeFile(bundleFile, bundle.stdout);

      const health = await run('curl', ['-fsS', '--cacert', bundleFile, `${server.url}/healthz`]);
      assert.deepEqual(JSON.parse(health.stdout), { status: 'ok' });
      const port = new URL(server.url).port;
      const ready = await run('curl', ['-fsS', '--cacert', bundleFile, `https://localhost:${port}/readyz`]);
      assert.deepEqual(JSON.parse(ready.stdout), { status: 'ready' });
      const sClient = await run('sh', [
        '-c',
        `openssl s_client -connect 127.0.0.1:${port} -servername localhost -CAfile ${bundleFile} -verify_return_error -verify_hostname localhost </dev/null`,
      ]);
      assert.match(sClient.stdout, /Verify return code: 0 \(ok\)/);
      first = await servedFingerprint(server.url, bundle.stdout);
      // A client that does not trust the CA refuses the server.
      await assert.rejects(run('curl', ['-fsS', `${server.url}/healthz`]));
    } finally {
      assert.equal(await server.stop(), 0, server.output().stderr);
    }

    // A restart keeps the CA and the certificate (no second CA, no new certificate).
    const again = await aServer(['--data-dir', dataDir, '--tls']);
    try {
      assert.doesNotMatch(again.output().stdout, /built-in CA/);
      const bundle = await readFile(join(dir, 'bundle.pem'), 'utf8');
      assert.equal(await servedFingerprint(again.url, bundle), first);
    } finally {
      assert.equal(await again.stop(), 0, again.output().stderr);
    }
    const cas = await runCustos(['--data-dir', dataDir, 'ca', 'list', '--json']);
    assert.equal((JSON.parse(cas.stdout) as unknown[]).length, 1);
  });

  test('server.baseUrl defaults to https once the server serves TLS, and stays as set otherwise', async () => {
    const baseUrl = async (env: Record<string, string>) => {
      const shown = await runCustos(['--data-dir', join(dir, 'config'), 'config', 'show', '-o', 'json'], {
        env,
      });
      assert.equal(shown.code, 0, shown.stderr);
      return shown.json<{ config: { server: { baseUrl: string } } }>().config.server.baseUrl;
    };
    assert.equal(await baseUrl({}), 'http://127.0.0.1:8700');
    assert.equal(await baseUrl({ CUSTOS_SERVER_TLS_ENABLED: 'true' }), 'https://127.0.0.1:8700');
    assert.equal(
      await baseUrl({ CUSTOS_SERVER_TLS_ENABLED: 'true', CUSTOS_SERVER_BASE_URL: 'http://ca.corp.example' }),
      'http://ca.corp.example',
    );
  });

  test('--no-ca starts without creating a CA', async () => {
    const dataDir = join(dir, 'no-ca');
    const server = await aServer(['--data-dir', dataDir, '--no-ca', '--no-workers']);
    assert.equal(await server.stop(), 0, server.output().stderr);
    const cas = await runCustos(['--data-dir', dataDir, 'ca', 'list', '--json']);
    assert.deepEqual(JSON.parse(cas.stdout), []);
  });

  test('the built-in CA certificate is renewed at 2/3 of its lifetime and served without a restart', async () => {
    const dataDir = join(dir, 'renewal');
    const server = await aServer(['--data-dir', dataDir, '--tls', '--no-workers'], {
      env: { CUSTOS_SERVER_TLS_DURATION: '9s' },
    });
    try {
      const bundle = (await runCustos(['--data-dir', dataDir, 'ca', 'bundle'])).stdout;
      const first = await servedFingerprint(server.url, bundle);
      const second = await until('a renewed certificate', async () => {
        const now = await servedFingerprint(server.url, bundle);
        return now === first ? undefined : now;
      });
      assert.notEqual(second, first);
      assert.match(server.output().stderr, /"why":"renewed".*"msg":"TLS certificate replaced"/);
    } finally {
      assert.equal(await server.stop(), 0, server.output().stderr);
    }
  });

  test('--tls-cert/--tls-key: the files are served, and served again when rewritten or on SIGHUP', async () => {
    const dataDir = join(dir, 'files');
    const issue = async (name: string) => {
      const out = join(dir, name);
      const made = await runCustos([
        '--data-dir',
        dataDir,
        'cert',
        'issue',
        '--generate-key',
        'ec-p256',
        '--dns',
        'localhost',
        '--ip',
        '127.0.0.1',
        '--out-dir',
        out,
      ]);
      assert.equal(made.code, 0, made.stderr);
      return out;
    };
    await runCustos(['--data-dir', dataDir, 'ca', 'init']);
    const bundle = (await runCustos(['--data-dir', dataDir, 'ca', 'bundle'])).stdout;
    const first = await issue('first');
    const live = join(dir, 'live');
    await run('mkdir', ['-p', live]);
    const certName = 'fullchain.pem';
    const install = async (from: string) => {
      // As a deployment tool does: write beside, then rename over (the key first, then the certificate).
      await writeFile(join(live, 'key.tmp'), await readFile(join(from, 'key.pem')));
      await writeFile(join(live, 'cert.tmp'), await readFile(join(from, certName)));
      await rename(join(live, 'key.tmp'), join(live, 'key.pem'));
      await rename(join(live, 'cert.tmp'), join(live, 'cert.pem'));
    };
    await install(first);
    const server = await aServer([
      '--data-dir',
      dataDir,
      '--no-workers',
      '--tls-cert',
      join(live, 'cert.pem'),
      '--tls-key',
      join(live, 'key.pem'),
    ]);
    try {
      assert.match(server.url, /^https:/);
      const served = await servedFingerprint(server.url, bundle);
      const second = await issue('second');
      await install(second);
      const renewed = await until('the rewritten files served', async () => {
        const now = await servedFingerprint(server.url, bundle);
        return now === served ? undefined : now;
      });
      assert.notEqual(renewed, served);
      assert.match(server.output().stderr, /"why":"files changed"/);
      // A half-written pair (a key that is not the certificate's) is not served: the current one stays.
      await writeFile(join(live, 'key.pem'), await readFile(join(first, 'key.pem')));
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(await servedFingerprint(server.url, bundle), renewed);
      assert.match(server.output().stderr, /TLS certificate not replaced/);
      await writeFile(join(live, 'cert.pem'), await readFile(join(first, certName)));
      server.child.kill('SIGHUP');
      const back = await until('the files served again after SIGHUP', async () => {
        const now = await servedFingerprint(server.url, bundle);
        return now === renewed ? undefined : now;
      });
      assert.equal(back, served);
    } finally {
      assert.equal(await server.stop(), 0, server.output().stderr);
    }
  });

  test('--tls-cert without --tls-key is refused with its code', async () => {
    const result = await runCustos([
      '--data-dir',
      join(dir, 'half'),
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--tls-cert',
      join(dir, 'nothing.pem'),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /CUSTOS_SERVER_TLS_INVALID/);
  });

  for (const dialect of DIALECTS) {
    test(`${dialect.name}: two servers starting at once create one CA`, async (t) => {
      if (dialect.unavailable !== null) return t.skip(dialect.unavailable);
      const database = await dialect.create();
      const keyDir = await mkdtemp(join(tmpdir(), 'custos-ca-race-'));
      // One audit key and one key-encryption key for both, as instances sharing a database are configured.
      const env = {
        CUSTOS_AUDIT_KEY: Buffer.alloc(32, 7).toString('base64'),
        CUSTOS_KEK: Buffer.alloc(32, 9).toString('base64'),
      };
      const dataDir = database.options.databaseUrl === undefined ? database.options.dataDir : keyDir;
      const [a, b] = await Promise.all([
        aRuntime(dataDir, env, database.options.databaseUrl),
        aRuntime(dataDir, env, database.options.databaseUrl),
      ]);
      try {
        const outcomes = await Promise.all([ensureBuiltInCa(a), ensureBuiltInCa(b)]);
        assert.equal(outcomes.filter((o) => o === 'created').length, 1, outcomes.join());
        assert.equal((await a.store.authorities.list()).length, 1);
        const events = await database.query<{ n: number | string }>(
          "select count(*) as n from audit_events where type = 'ca.created'",
        );
        assert.equal(Number(events[0]?.n), 1);
      } finally {
        await a.store.close();
        await b.store.close();
        await database.dispose();
        await rm(keyDir, { recursive: true, force: true });
      }
    });
  }
});
