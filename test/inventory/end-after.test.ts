/**
 * The default end rule of a TLS location that stops answering (3 failed probes and 7 days, whichever comes later),
 * with an injected clock so a week passes at once: the use case on a real store (SQLite, and PostgreSQL when
 * CUSTOS_TEST_DATABASE_URL is set), the real prober and a node:tls server that is stopped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTlsProber } from '../../src/connectors/scanner-tls/tls-prober.js';
import type { Clock } from '../../src/core/ports/clock.js';
import type { Store } from '../../src/core/ports/store.js';
import { scanTls, type ScanTlsSummary } from '../../src/core/scan-tls.js';
import { parseTarget, planTlsScan } from '../../src/core/scan/tls-targets.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { aChain, withDnsNames, withSubject, type BuiltCertificate } from '../support/certificates.js';
import { tlsServer } from '../scan-tls/servers.js';

const DAY = 86_400_000;

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
