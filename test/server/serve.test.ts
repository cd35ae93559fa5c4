/**
 * `custos serve` as a real process: it prints its URL, curl reaches /healthz and /readyz, SIGTERM and SIGINT stop
 * it with exit 0; a bad or busy address is refused with its code. Graceful shutdown: a request in flight when the
 * server closes still gets its answer.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { aCertificate, withDnsNames } from '../support/certificates.js';
import { runCustos } from '../support/cli.js';
import { aServer, anApp } from '../support/server.js';

const run = promisify(execFile);

describe('custos serve', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'custos-serve-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`serves /healthz and /readyz to curl, and ${signal} stops it with exit 0`, async () => {
      const server = await aServer(['--data-dir', dataDir, '--no-workers']);
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await run('curl', ['-fsS', `${server.url}/healthz`]);
      assert.deepEqual(JSON.parse(health.stdout), { status: 'ok' });
      const ready = await run('curl', ['-fsS', `${server.url}/readyz`]);
      assert.deepEqual(JSON.parse(ready.stdout), { status: 'ready' });
      // Probes log only warnings; other requests are logged at info with their id.
      await run('curl', ['-fsS', '-o', '/dev/null', `${server.url}/openapi.json`]);
      const code = await server.stop(signal);
      const { stderr } = server.output();
      assert.equal(code, 0, stderr);
      const lines = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; requestId?: string; signal?: string });
      assert.ok(
        lines.some(
          (l) => l.msg === 'shutting down: finishing requests and background work' && l.signal === signal,
        ),
      );
      assert.equal(lines.at(-1)?.msg, 'stopped');
      assert.ok(
        lines.some((l) => l.msg === 'request completed' && l.requestId !== undefined),
        'request logs at info, with request ids',
      );
      await assert.rejects(
        run('curl', ['-fsS', '--max-time', '2', `${server.url}/healthz`]),
        'no longer listening',
      );
    });
  }

  test('a certificate page answered by a real server prints no library warning on stderr, only log records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'custos-serve-page-'));
    try {
      const cert = await aCertificate(withDnsNames('page.example'));
      await writeFile(join(dir, 'page.pem'), cert.pem);
      const scanned = await runCustos(['--data-dir', join(dir, 'data'), 'scan', 'files', dir]);
      assert.equal(scanned.code, 0, scanned.stderr);
      const server = await aServer(['--data-dir', join(dir, 'data'), '--no-workers']);
      try {
        // The admin token is printed on the line after the URL.
        let token: string | undefined;
        for (let waited = 0; token === undefined && waited < 10_000; waited += 50) {
          token = /^admin token: (\S+)$/m.exec(server.output().stdout)?.[1];
          if (token === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const page = await fetch(`${server.url}/v1/certificates/${cert.fingerprintSha256}`, {
          headers: { authorization: `Bearer ${token ?? ''}` },
        });
        assert.equal(page.status, 200, await page.text());
      } finally {
        assert.equal(await server.stop(), 0);
      }
      const notLogs = server
        .output()
        .stderr.split('\n')
        .filter((line) => line !== '' && !line.startsWith('{'));
      // fast-json-stringify's own Ajv printed "unknown format "http-url" ignored ..." when it compiled the page's serializer.
      assert.deepEqual(notLogs, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a busy address is CUSTOS_LISTEN_FAILED (exit 3); a malformed one CUSTOS_CONFIG_INVALID (exit 2)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await runCustos(['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`], {
        timeoutMs: 20_000,
      });
      assert.equal(busy.code, 3, busy.stderr);
      assert.match(busy.stderr, /^custos: CUSTOS_LISTEN_FAILED: cannot listen on 127\.0\.0\.1:\d+/m);
    } finally {
      blocker.close();
    }
    const bad = await runCustos(['--data-dir', dataDir, 'serve', '--listen', 'localhost'], {
      timeoutMs: 20_000,
    });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /CUSTOS_CONFIG_INVALID:[\s\S]*--listen: server\.listen/);
    const env = await runCustos(['--data-dir', dataDir, 'serve'], {
      env: { CUSTOS_SERVER_LISTEN: '127.0.0.1:99999' },
      timeoutMs: 20_000,
    });
    assert.equal(env.code, 2, env.stderr);
    assert.match(env.stderr, /CUSTOS_SERVER_LISTEN/);
  });
});

describe('graceful shutdown', () => {
  test('a request in flight when the server closes gets its answer; new connections are refused', async () => {
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const t = await anApp({
      prepare: (app) => {
        app.get('/test/slow', { config: { scope: 'public' } }, async () => {
          entered();
          await released;
          return { done: true };
        });
      },
    });
    try {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = t.app.server.address() as { port: number };
      const slow = fetch(`http://127.0.0.1:${port}/test/slow`).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as unknown,
      }));
      await inHandler;
      const closing = t.app.close();
      await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'no new connection once closing');
      release();
      assert.deepEqual(await slow, { status: 200, body: { done: true } });
      await closing;
    } finally {
      await t.cleanup();
    }
  });
});
