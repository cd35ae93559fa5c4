/**
 * `--at` and `--since` take a time or a duration meaning that long ago (`7d`, `12h`), as `--expiring-within` takes
 * durations: `inventory list --at`, `audit export --since`, `verify --at`, through the real CLI. The first two read
 * the store, so they run on SQLite and PostgreSQL; `verify --at` and the flag errors read no store (SQLite only).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aCertificate, withFreshKey, withSubject } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

for (const dialect of DIALECTS) {
  describe(`--at and --since take durations (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let custos: Custos;
    let dir: string;
    let pem: string;
    before(async () => {
      db = await dialect.create();
      custos = await aCustos(db.options);
      dir = await mkdtemp(join(tmpdir(), 'custos-moments-'));
      // Valid from one day ago for 90 days (the builder's default).
      const cert = await aCertificate(withSubject('CN=moment.test'), withFreshKey());
      pem = join(dir, 'moment.pem');
      await writeFile(pem, cert.pem);
      const scan = await custos.run('scan', 'files', dir);
      assert.equal(scan.code, 0, scan.stderr);
    });
    after(async () => {
      await custos.cleanup();
      await db.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('inventory list --at 1h answers for an hour ago (before the scan); --at 0s for now', async () => {
      const list = async (at: string) => {
        const result = await custos.run('inventory', 'list', '--at', at, '--json');
        assert.equal(result.code, 0, result.stderr);
        return result.json<Array<{ subject: string }>>().map((v) => v.subject);
      };
      assert.deepEqual(await list('1h'), [], 'nothing was sighted an hour ago');
      assert.deepEqual(await list('7d'), []);
      assert.deepEqual(await list('0s'), ['CN=moment.test']);
      assert.deepEqual(await list('2999-01-01'), ['CN=moment.test'], 'a time still works');
    });

    it('audit export --since 1h and --since 12h30m: every record of this fresh state', async () => {
      const all = await custos.run('audit', 'export');
      assert.equal(all.code, 0, all.stderr);
      const sinceHour = await custos.run('audit', 'export', '--since', '1h');
      assert.equal(sinceHour.code, 0, sinceHour.stderr);
      const records = (text: string) =>
        text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as { seq?: number })
          .filter((r) => r.seq !== undefined)
          .map((r) => r.seq);
      assert.ok(records(all.stdout).length > 0);
      assert.deepEqual(records(sinceHour.stdout), records(all.stdout));
      assert.deepEqual(
        records((await custos.run('audit', 'export', '--since', '12h30m')).stdout),
        records(all.stdout),
      );
    });

    // What follows reads no store: once is enough.
    if (dialect.name !== 'sqlite') return;

    it('verify --at 2d is before the certificate was valid; --at 1h within its validity', async () => {
      const verify = async (at: string) => {
        const result = await custos.run('verify', pem, '--trust', pem, '--at', at, '--json');
        return {
          code: result.code,
          ...result.json<{ valid: boolean; at: string; findings: Array<{ code: string }> }>(),
        };
      };
      const twoDaysAgo = await verify('2d');
      assert.equal(twoDaysAgo.code, 1);
      assert.equal(twoDaysAgo.valid, false);
      assert.ok(
        twoDaysAgo.findings.some((f) => f.code === 'not-yet-valid'),
        JSON.stringify(twoDaysAgo.findings),
      );
      assert.ok(
        Date.parse(twoDaysAgo.at) < Date.now() - 47 * 3_600_000,
        `at ${twoDaysAgo.at} is two days ago`,
      );
      const hourAgo = await verify('1h');
      assert.equal(hourAgo.code, 0, JSON.stringify(hourAgo));
      assert.equal(hourAgo.valid, true);
    });

    it('what is neither a time nor a duration is exit 2 with the code, naming the flag', async () => {
      for (const [args, message] of [
        [
          ['inventory', 'list', '--at', 'yesterday'],
          /--at: "yesterday" is not an ISO 8601 time or a duration \(.*7d for 7 days ago\)/,
        ],
        [['inventory', 'list', '--at', '7x'], /--at: "7x" is not an ISO 8601 time or a duration/],
        [['inventory', 'list', '--at', '2026-02-31'], /--at: "2026-02-31" is not an ISO 8601 time \(/],
        [['audit', 'export', '--since', '3 days'], /--since: "3 days" is not an ISO 8601 time or a duration/],
        [
          ['audit', 'export', '--since', '99999999d'],
          /--since: "99999999d" is longer than the 36500d allowed here/,
        ],
        [['verify', 'moment.pem', '--at', 'noon'], /--at: "noon" is not an ISO 8601 time or a duration/],
      ] as const) {
        const result = await custos.run(...args);
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, /^custos: CUSTOS_INVALID_ARGUMENT: /);
        assert.match(result.stderr, message);
        assert.equal(result.stdout, '');
      }
    });
  });
}
