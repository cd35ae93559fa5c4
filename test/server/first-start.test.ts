/**
 * `custos serve` as a real process: the first start prints `admin token: TOKEN` once (a later start does not, and
 * of two first starts at once on one store exactly one does), every start prints `dashboard: URL` whose one-time
 * code signs a browser in once; the server log and the audit trail never hold a token, code or session.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCustos } from '../support/cli.js';
import { aServer, type ServerProcess } from '../support/server.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

/** The server's stdout once it has printed its dashboard line. */
async function signInLines(server: ServerProcess): Promise<string> {
  for (let i = 0; i < 600; i += 1) {
    const { stdout } = server.output();
    if (/^dashboard: /m.test(stdout)) return stdout;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no dashboard line:\n${JSON.stringify(server.output())}`);
}

const adminTokenOf = (stdout: string): string | undefined => /^admin token: (\S+)$/m.exec(stdout)?.[1];
const dashboardOf = (stdout: string): string => /^dashboard: (\S+)$/m.exec(stdout)?.[1] ?? '';

describe('custos serve: the first start and the dashboard sign-in', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'custos-first-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  test('prints an admin token on the first start only and a one-time dashboard URL on every start', async () => {
    // A start that cannot listen is no first start: it makes no admin token.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as { port: number };
      const busy = await runCustos(['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`]);
      assert.equal(busy.code, 3, busy.stderr);
      assert.doesNotMatch(busy.stdout, /admin token/);
    } finally {
      blocker.close();
    }
    const first = await aServer(['--data-dir', dataDir, '--no-workers'], { timeoutMs: 60_000 });
    const secrets: string[] = [];
    try {
      const stdout = await signInLines(first);
      const lines = stdout.trim().split('\n');
      assert.match(lines[0] ?? '', /^listening: /);
      assert.match(lines[1] ?? '', /^admin token: cst_[A-Za-z0-9_-]{43}$/);
      const token = adminTokenOf(stdout) as string;
      const dashboard = dashboardOf(stdout);
      assert.ok(dashboard.startsWith(`${first.url}/login?code=csl_`), dashboard);
      secrets.push(token, new URL(dashboard).searchParams.get('code') as string);

      const me = await fetch(`${first.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.status, 200);
      assert.deepEqual(((await me.json()) as { scopes: string[] }).scopes, ['admin']);
      const anonymous = await fetch(`${first.url}/v1/me`);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);

      const login = await fetch(dashboard, { redirect: 'manual' });
      assert.equal(login.status, 303);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
      secrets.push(cookie.split('=')[1] as string);
      const session = await fetch(`${first.url}/v1/me`, { headers: { cookie } });
      assert.equal(((await session.json()) as { kind: string }).kind, 'session');
      const reused = await fetch(dashboard, { redirect: 'manual' });
      assert.equal(reused.status, 401, 'the code works once');
    } finally {
      assert.equal(await first.stop(), 0);
    }

    const second = await aServer(['--data-dir', dataDir, '--no-workers'], { timeoutMs: 60_000 });
    try {
      const stdout = await signInLines(second);
      assert.equal(adminTokenOf(stdout), undefined, 'no admin token on a later start');
      assert.notEqual(dashboardOf(stdout), '');
    } finally {
      assert.equal(await second.stop(), 0);
    }

    const audit = await runCustos(['--data-dir', dataDir, 'audit', 'export']);
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /token\.created/);
    const logs = first.output().stderr + second.output().stderr;
    for (const secret of secrets) {
      assert.ok(secret.length > 20);
      assert.ok(!logs.includes(secret), 'the server log holds no secret');
      assert.ok(!audit.stdout.includes(secret), 'nor does the audit trail');
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`custos serve: two first starts at once on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let database: TestDatabase;
    let keyDir: string;
    before(async () => {
      database = await dialect.create();
      keyDir = await mkdtemp(join(tmpdir(), 'custos-first-keys-'));
    });
    after(async () => {
      await database.dispose();
      await rm(keyDir, { recursive: true, force: true });
    });

    test('print one admin token between them', async () => {
      const url = database.options.databaseUrl;
      const state =
        url === undefined
          ? ['--data-dir', database.options.dataDir]
          : ['--database-url', url, '--data-dir', keyDir];
      // The keys and the schema exist first (a command before any server is not a first start of the server).
      const listed = await runCustos([...state, 'token', 'list', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(listed.json(), []);
      const started = await Promise.allSettled([
        aServer([...state, '--no-workers'], { timeoutMs: 60_000 }),
        aServer([...state, '--no-workers'], { timeoutMs: 60_000 }),
      ]);
      const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        for (const s of started) if (s.status === 'rejected') throw s.reason;
        const outputs = await Promise.all(servers.map(signInLines));
        assert.equal(outputs.filter((o) => adminTokenOf(o) !== undefined).length, 1, outputs.join('\n'));
        assert.ok(outputs.every((o) => dashboardOf(o) !== ''));
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
      const tokens = (await runCustos([...state, 'token', 'list', '--json'])).json<{ scopes: string[] }[]>();
      assert.equal(tokens.length, 1);
    });
  });
}
