/**
 * The default end rule of a TLS location that stops answering (3 failed probes and 7 days, whichever comes later),
 * on a real store (SQLite, and PostgreSQL when CUSTOS_TEST_DATABASE_URL is set), the real prober and node:tls
 * servers that are stopped. First the use case with an injected clock, so a week passes at once; then the CLI with
 * no end rule configured: `scan tls` has no flag to set its time, so the history before it (a served probe and
 * failed ones days ago) is written by the same use case at those times, into the CLI's own state under its audit
 * key, and `custos scan tls` makes the probe that decides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTlsProber } from '../../src/connectors/scanner-tls/tls-prober.js';
import type { Clock } from '../../src/core/ports/clock.js';
import type { Store } from '../../src/core/ports/store.js';
import { scanTls, type ScanTlsSummary } from '../../src/core/scan-tls.js';
import { parseTarget, planTlsScan } from '../../src/core/scan/tls-targets.js';
import { openStore } from '../../src/store/open-store.js';
import { loadAuditKeyring } from '../../src/store/keys/audit-keyring.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { aChain, withDnsNames, withSubject, type BuiltCertificate } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { tlsServer } from '../scan-tls/servers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const dialect of DIALECTS) {
  describe(
    `the default end rule, 3 probes and 7 days (${dialect.name})`,
    {
      skip: dialect.unavailable ?? false,
    },
    () => {
      let db: TestDatabase;
      let store: Store;
      let chain: { root: BuiltCertificate; intermediate: BuiltCertificate; leaf: BuiltCertificate };
      let now = new Date('2026-12-01T00:00:00Z');
      const clock: Clock = { now: () => now };

      before(async () => {
        chain = await aChain(withSubject('CN=web.corp.test'), withDnsNames('web.corp.test'));
        db = await dialect.create();
        store = await openStore(db.options);
      });
      after(async () => {
        await store?.close();
        await db?.dispose();
      });

      const scan = (port: number): Promise<ScanTlsSummary> =>
        scanTls(
          { store, clock, prober: createTlsProber({ timeoutMs: 2_000 }) },
          {
            endpoints: planTlsScan([parseTarget(`127.0.0.1:${port}`)], {
              sni: ['web.corp.test'],
            }).endpoints(),
            concurrency: 4,
            trustAnchors: [chain.root.der],
            actor: 'test',
          },
        );
      const open = async (): Promise<string[]> =>
        (await store.inventory.openSightings()).map((s) => s.locationKey);

      test('three failures within a week keep it; the first probe past the week ends it', async () => {
        const server = await tlsServer({ key: chain.leaf, chain: [chain.leaf, chain.intermediate] });
        const port = server.port;
        const key = `tls:127.0.0.1:${port}:web.corp.test`;
        assert.equal((await scan(port)).served, 1);
        await server.close();

        const failedAt = new Date(now.getTime() + DAY);
        for (const day of [1, 3, 6]) {
          now = new Date(failedAt.getTime() + (day - 1) * DAY);
          const summary = await scan(port);
          assert.deepEqual([summary.unreachable, summary.ended], [1, 0], `day ${day}`);
        }
        assert.deepEqual(await open(), [key, key], 'three failures in six days: still installed');
        const [unreachable] = await store.inventory.listLocations({ unreachable: true });
        assert.equal(unreachable?.unreachable?.since.toISOString(), failedAt.toISOString());
        assert.equal(unreachable?.unreachable?.probes, 3);

        now = new Date(failedAt.getTime() + 7 * DAY);
        const summary = await scan(port);
        assert.deepEqual([summary.unreachable, summary.ended], [0, 1]);
        assert.deepEqual(await open(), []);
        const history = await store.inventory.sightingsOf(chain.leaf.fingerprintSha256);
        assert.equal(history[0]?.endedAt?.toISOString(), now.toISOString());
        assert.equal(
          history[0]?.endReason,
          `unreachable: refused, 4 failed probes since ${failedAt.toISOString()}`,
        );
      });
    },
  );
}

interface Shown {
  locations: Array<{ port: number; unreachableSince?: string; endedAt?: string; endReason?: string }>;
}

interface LocationRow {
  locationKey: string;
  unreachableSince?: string;
  failedProbes?: number;
  lastFailure?: string;
}

for (const dialect of DIALECTS) {
  describe(`the default end rule through the CLI (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let custos: Custos;

    before(async () => {
      db = await dialect.create();
      custos = await aCustos(db.options);
    });
    after(async () => {
      await custos?.cleanup();
      await db?.dispose();
    });

    test('2 failed probes over 9 days stay, the 3rd ends; 4 probes over 7 days less an hour stay, 7 days and an hour end', async () => {
      const chain = await aChain(withSubject('CN=web.corp.test'), withDnsNames('web.corp.test'));
      const servers = await Promise.all(
        [1, 2, 3].map(() => tlsServer({ key: chain.leaf, chain: [chain.leaf, chain.intermediate] })),
      );
      const [a, b, c] = servers.map((s) => s.port) as [number, number, number];
      const key = (port: number): string => `tls:127.0.0.1:${port}:web.corp.test`;
      const N = Date.now();
      const at = (ms: number): Date => new Date(N + ms);

      // The history before today, written by the use case at its times into the CLI's state (its audit key).
      const keyDir = custos.stateFlags[custos.stateFlags.indexOf('--data-dir') + 1] ?? '';
      const store = await openStore({
        ...db.options,
        auditKeys: await loadAuditKeyring({ dataDir: keyDir }),
      });
      try {
        const past = (when: Date, ...ports: number[]): Promise<ScanTlsSummary> =>
          scanTls(
            { store, clock: { now: () => when }, prober: createTlsProber({ timeoutMs: 2_000 }) },
            {
              endpoints: planTlsScan(
                ports.map((p) => parseTarget(`127.0.0.1:${p}`)),
                { sni: ['web.corp.test'] },
              ).endpoints(),
              concurrency: 4,
              trustAnchors: [chain.root.der],
              actor: 'test',
            },
          );
        assert.equal((await past(at(-10 * DAY), a, b, c)).served, 3);
        await Promise.all(servers.map((s) => s.close()));
        for (const [when, ports] of [
          [at(-9 * DAY), [a]],
          [at(-7 * DAY - HOUR), [c]],
          [at(-7 * DAY + HOUR), [b]],
          [at(-6 * DAY), [b, c]],
          [at(-5 * DAY), [b, c]],
        ] as const) {
          const summary = await past(when, ...ports);
          assert.deepEqual([summary.unreachable, summary.ended], [ports.length, 0], when.toISOString());
        }
      } finally {
        await store.close();
      }

      // Today, through the CLI with no end rule configured: the defaults decide.
      const scan = async (...ports: number[]) => {
        const r = await custos.run(
          'scan',
          'tls',
          ...ports.map((p) => `127.0.0.1:${p}`),
          '--sni',
          'web.corp.test',
          '--json',
        );
        assert.equal(r.code, 0, r.stderr);
        return r.json<{ summary: ScanTlsSummary }>().summary;
      };
      const locations = async (): Promise<Map<string, LocationRow>> => {
        const r = await custos.run('locations', 'list', '--json');
        assert.equal(r.code, 0, r.stderr);
        return new Map(r.json<LocationRow[]>().map((l) => [l.locationKey, l]));
      };

      const first = await scan(a, b, c);
      assert.deepEqual(
        [first.failed, first.unreachable, first.ended],
        [3, 2, 1],
        'a: 2 probes over 9 days; b: 4 probes over 7 days less an hour; c: 4 probes over 7 days and an hour',
      );
      let open = await locations();
      assert.deepEqual([...open.keys()].sort(), [key(a), key(b)].sort());
      assert.deepEqual(
        [open.get(key(a))?.failedProbes, open.get(key(a))?.unreachableSince],
        [2, at(-9 * DAY).toISOString()],
      );
      assert.deepEqual(
        [open.get(key(b))?.failedProbes, open.get(key(b))?.unreachableSince],
        [4, at(-7 * DAY + HOUR).toISOString()],
      );

      const second = await scan(a);
      assert.deepEqual([second.unreachable, second.ended], [0, 1], 'the third failed probe of a, 9 days on');
      open = await locations();
      assert.deepEqual([...open.keys()], [key(b)]);

      // Each sighting's history: when and why it ended (the leaf's and the intermediate's alike).
      const show = await custos.run('inventory', 'show', chain.leaf.fingerprintSha256.slice(0, 12), '--json');
      assert.equal(show.code, 0, show.stderr);
      const byPort = new Map(show.json<Shown>().locations.map((l) => [l.port, l]));
      assert.equal(
        byPort.get(a)?.endReason,
        `unreachable: refused, 3 failed probes since ${at(-9 * DAY).toISOString()}`,
      );
      assert.equal(
        byPort.get(c)?.endReason,
        `unreachable: refused, 4 failed probes since ${at(-7 * DAY - HOUR).toISOString()}`,
      );
      assert.equal(byPort.get(b)?.endReason, undefined);
      assert.equal(byPort.get(b)?.unreachableSince, at(-7 * DAY + HOUR).toISOString());

      const verified = await custos.run('audit', 'verify', '--state');
      assert.equal(verified.code, 0, `the audit trail replays to the sightings left: ${verified.stderr}`);
    });
  });
}
