/**
 * The scan-tls use case end to end on real pieces: node:tls servers on 127.0.0.1, the real prober, a real store
 * (SQLite in a temp dir, and PostgreSQL when CUSTOS_TEST_DATABASE_URL is set), the real path validation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../src/connectors/system/system-clock.js';
import { createTlsProber } from '../../src/connectors/scanner-tls/tls-prober.js';
import type { Store } from '../../src/core/ports/store.js';
import { scanTls, type ScanTlsSummary, type TlsEndpointResult } from '../../src/core/scan-tls.js';
import { parseTarget, planTlsScan } from '../../src/core/scan/tls-targets.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import {
  aCertificate,
  aChain,
  expiringIn,
  issuedBy,
  withDnsNames,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { closedPort, tcpServer, tlsServer, type Running } from './servers.js';

interface Fixture {
  root: BuiltCertificate;
  intermediate: BuiltCertificate;
  good: BuiltCertificate;
  renewed: BuiltCertificate;
  expired: BuiltCertificate;
  selfSigned: BuiltCertificate;
  bySni: BuiltCertificate;
}

async function fixture(): Promise<Fixture> {
  const {
    root,
    intermediate,
    leaf: good,
  } = await aChain(withSubject('CN=a.example'), withDnsNames('a.example'));
  return {
    root,
    intermediate,
    good,
    renewed: await aCertificate(
      withSubject('CN=a.example'),
      withDnsNames('a.example'),
      issuedBy(intermediate),
    ),
    expired: await aCertificate(
      withSubject('CN=a.example'),
      withDnsNames('a.example'),
      expiringIn(-2),
      issuedBy(intermediate),
    ),
    selfSigned: await aCertificate(withSubject('CN=a.example'), withDnsNames('a.example')),
    bySni: await aCertificate(withSubject('CN=b.example'), withDnsNames('b.example'), issuedBy(intermediate)),
  };
}

for (const dialect of DIALECTS) {
  describe(`scan tls into the inventory (${dialect.name})`, { skip: dialect.unavailable ?? false }, () => {
    let f: Fixture;
    let db: TestDatabase;
    let store: Store;
    const running: Running[] = [];
    const start = async (server: Promise<Running>): Promise<number> => {
      const r = await server;
      running.push(r);
      return r.port;
    };
    const scan = async (
      targets: string[],
      sni: string[] = [],
    ): Promise<{ summary: ScanTlsSummary; results: Map<string, TlsEndpointResult> }> => {
      const results = new Map<string, TlsEndpointResult>();
      const plan = planTlsScan(targets.map(parseTarget), { sni });
      const summary = await scanTls(
        { store, clock: systemClock, prober: createTlsProber({ timeoutMs: 1_000 }) },
        {
          endpoints: plan.endpoints(),
          concurrency: 8,
          trustAnchors: [f.root.der],
          actor: 'test',
          onResult: (r) => results.set(`${r.port}/${r.sni ?? ''}`, r),
        },
      );
      return { summary, results };
    };
    const codes = (r: TlsEndpointResult | undefined): string[] =>
      r?.ok
        ? [...new Set(r.findings.map((x) => x.code))].sort()
        : [`failed:${r?.ok === false ? r.code : '?'}`];

    before(async () => {
      f = await fixture();
      db = await dialect.create();
      store = await openStore(db.options);
    });
    after(async () => {
      await Promise.all(running.map((r) => r.close()));
      await store?.close();
      await db?.dispose();
    });

    test('each endpoint gets exactly the right findings or failure code', async () => {
      const { good, intermediate, root, expired, selfSigned, bySni } = f;
      const valid = await start(tlsServer({ key: good, chain: [good, intermediate] }));
      const leafOnly = await start(tlsServer({ key: good, chain: [good] }));
      const wrongOrder = await start(tlsServer({ key: good, chain: [good, root, intermediate] }));
      const expiredPort = await start(tlsServer({ key: expired, chain: [expired, intermediate] }));
      const selfPort = await start(tlsServer({ key: selfSigned, chain: [selfSigned] }));
      const sniPort = await start(
        tlsServer(
          { key: good, chain: [good, intermediate] },
          { perSni: { 'b.example': { key: bySni, chain: [bySni, intermediate] } } },
        ),
      );
      const http = await start(
        tcpServer((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'))),
      );
      const silent = await start(tcpServer(() => undefined));
      const closed = await closedPort();

      // The first pass makes the inventory know the intermediate (served by `valid`).
      await scan([`127.0.0.1:${valid}`], ['a.example']);
      const t = (port: number): string => `127.0.0.1:${port}`;
      const { summary, results } = await scan(
        [t(valid), t(leafOnly), t(wrongOrder), t(expiredPort), t(selfPort), t(http), t(silent), t(closed)],
        ['a.example'],
      );
      const sni = await scan([t(sniPort)], ['a.example', 'b.example', 'c.example']);

      assert.deepEqual(codes(results.get(`${valid}/a.example`)), []);
      assert.equal(results.get(`${valid}/a.example`)?.ok && results.get(`${valid}/a.example`)?.ok, true);
      assert.deepEqual(codes(results.get(`${leafOnly}/a.example`)), ['incomplete-chain']);
      assert.deepEqual(codes(results.get(`${wrongOrder}/a.example`)), ['chain-order']);
      assert.deepEqual(codes(results.get(`${expiredPort}/a.example`)), ['expired']);
      assert.deepEqual(codes(results.get(`${selfPort}/a.example`)), ['self-signed', 'untrusted-root']);
      assert.deepEqual(codes(results.get(`${http}/a.example`)), ['failed:not-tls']);
      assert.deepEqual(codes(results.get(`${silent}/a.example`)), ['failed:timeout']);
      assert.deepEqual(codes(results.get(`${closed}/a.example`)), ['failed:refused']);
      assert.deepEqual(codes(sni.results.get(`${sniPort}/a.example`)), []);
      assert.deepEqual(codes(sni.results.get(`${sniPort}/b.example`)), []);
      assert.deepEqual(codes(sni.results.get(`${sniPort}/c.example`)), ['hostname-mismatch']);

      const b = sni.results.get(`${sniPort}/b.example`);
      assert.deepEqual(b?.ok ? b.chain.map((c) => c.fingerprintSha256) : [], [
        bySni.fingerprintSha256,
        intermediate.fingerprintSha256,
      ]);
      const messy = results.get(`${wrongOrder}/a.example`);
      assert.deepEqual(messy?.ok ? messy.chain.map((c) => c.fingerprintSha256) : [], [
        good.fingerprintSha256,
        root.fingerprintSha256,
        intermediate.fingerprintSha256,
      ]);

      assert.deepEqual(
        { ...summary, findings: undefined },
        {
          endpoints: 8,
          served: 5,
          failed: 3,
          certificates: 5,
          new: 3, // the root, the expired and the self-signed leaf; the rest came in the first pass
          changed: 0,
          unreachable: 0, // the failed endpoints never served anything: nothing to end
          ended: 0,
          trusted: 2, // valid, and wrong order (clients reorder); not the leaf-only chain
          failures: { 'not-tls': 1, timeout: 1, refused: 1 },
          findings: undefined,
        },
      );
    });

    test('the inventory holds tls locations; a rescan that finds another leaf ends the old sighting', async () => {
      const { renewed, good, intermediate } = f;
      const server = await tlsServer({ key: good, chain: [good, intermediate] });
      running.push(server);
      const target = `127.0.0.1:${server.port}`;
      const first = await scan([target], ['a.example']);
      const fresh = first.results.get(`${server.port}/a.example`);
      assert.equal(fresh?.ok && fresh.deployment, 'new');
      const again = await scan([target], ['a.example']);
      const unchanged = again.results.get(`${server.port}/a.example`);
      assert.equal(unchanged?.ok && unchanged.deployment, 'unchanged');

      // The same port now serves the renewed leaf.
      await server.close();
      const renewedServer = await tlsServerOn(server.port, { key: renewed, chain: [renewed, intermediate] });
      running.push(renewedServer);
      const third = await scan([target], ['a.example']);
      const changed = third.results.get(`${server.port}/a.example`);
      assert.equal(changed?.ok && changed.deployment, 'changed');
      assert.equal(third.summary.changed, 1);

      const location = {
        kind: 'tls',
        host: '127.0.0.1',
        port: server.port,
        sni: 'a.example',
        address: '127.0.0.1',
      };
      const oldHistory = await store.inventory.sightingsOf(good.fingerprintSha256);
      const here = oldHistory.filter((s) => s.locationKey === `tls:127.0.0.1:${server.port}:a.example`);
      assert.equal(here.length, 1);
      assert.deepEqual(here[0]?.location, location);
      assert.ok(here[0]?.endedAt instanceof Date, 'the old leaf sighting is ended');
      const newHistory = await store.inventory.sightingsOf(renewed.fingerprintSha256);
      assert.deepEqual(
        newHistory.map((s) => [s.location, s.endedAt]),
        [[location, null]],
      );

      const events = [];
      for await (const record of store.audit.records()) events.push(record);
      const deployment = events.filter(
        (e) => e.type === 'deployment.changed' && e.subject === `tls:127.0.0.1:${server.port}:a.example`,
      );
      assert.equal(deployment.length, 1);
      assert.deepEqual(deployment[0]?.data['previous'], [good.fingerprintSha256]);
      assert.deepEqual(deployment[0]?.data['current'], [renewed.fingerprintSha256]);
      const completed = events.filter((e) => e.type === 'scan.completed' && e.data['scanner'] === 'tls');
      assert.ok(completed.length >= 3);
    });
  });
}

/** A TLS server on a given port (the port a previous server left). */
async function tlsServerOn(port: number, served: Parameters<typeof tlsServer>[0]): Promise<Running> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tlsServer(served, { port });
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
