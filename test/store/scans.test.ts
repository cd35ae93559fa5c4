/**
 * Scans started over the API on every dialect of DIALECTS (migration 0019-scans): `startScan` records a queued scan
 * with its `scan.run` job and audit event in one transaction; the job's worker runs a real files scan and records the
 * result, completing the job; a worker that claimed the job and died leaves it to the next worker once its lease has
 * run out; recent scans list newest first.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LocalFileTree } from '../../src/connectors/scanner-files/local-file-tree.js';
import { createTlsProber } from '../../src/connectors/scanner-tls/tls-prober.js';
import { systemRandom } from '../../src/connectors/system/system-random.js';
import type { Store } from '../../src/core/ports/store.js';
import { runScanJobs, type ScanJobDependencies } from '../../src/core/scan/scan-jobs.js';
import { SCAN_JOB, startScan } from '../../src/core/scan/start-scan.js';
import { openStore } from '../../src/store/open-store.js';
import { aCertificate, withDnsNames } from '../support/certificates.js';
import { DIALECTS, type TestDatabase } from './dialects.js';

const secureRandom = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };

for (const dialect of DIALECTS) {
  describe(`Scans on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let dir: string;
    let offset: number;
    const clock = { now: () => new Date(Date.now() + offset) };
    const deps = (): ScanJobDependencies => ({
      store,
      clock,
      random: systemRandom,
      files: new LocalFileTree(),
      auditKeys: db.options.auditKeys,
      prober: createTlsProber({ timeoutMs: 2_000 }),
      trustAnchors: () => Promise.resolve([]),
      concurrency: 2,
      profiles: [],
      passwords: () => [],
      endAfter: { probes: 3, durationMs: 7 * 86_400_000 },
    });
    beforeEach(async () => {
      offset = 0;
      db = await dialect.create();
      store = await openStore(db.options);
      dir = await mkdtemp(join(tmpdir(), 'custos-scans-'));
      const certificate = await aCertificate(withDnsNames('web.corp.example'));
      await writeFile(join(dir, 'web.pem'), certificate.pem);
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('records a queued scan with its job and audit event, then its result', async () => {
      const scan = await startScan(
        { store, clock, secureRandom, actor: 'api:tok_test', profiles: [], passwords: () => [] },
        { kind: 'files', targets: [dir] },
      );
      assert.match(scan.id, /^scn_[0-9a-f]{16}$/);
      assert.equal((await store.scans.get(scan.id))?.status, 'queued');
      const jobs = await store.jobs.list();
      assert.deepEqual(
        jobs.map((j) => [j.kind, j.payload]),
        [[SCAN_JOB, { scan: scan.id }]],
      );
      const events = [];
      for await (const record of store.audit.records()) events.push(record);
      assert.deepEqual(
        events.map((e) => [e.type, e.actor, e.subject]),
        [['scan.queued', 'api:tok_test', `scan:${scan.id}`]],
      );

      const run = await runScanJobs(deps(), { worker: 'w1' });
      assert.equal(run.completed, 1);
      const done = await store.scans.get(scan.id);
      assert.equal(done?.status, 'succeeded');
      assert.equal((done?.result as { certificates: number; new: number }).certificates, 1);
      assert.ok(done?.startedAt !== null && done?.finishedAt !== null);
      assert.deepEqual(await store.jobs.list(), [], 'the job is completed with the result');
    });

    it("runs a scan whose worker died, once that worker's lease has run out", async () => {
      const scan = await startScan(
        { store, clock, secureRandom, actor: 'api:tok_test', profiles: [], passwords: () => [] },
        { kind: 'files', targets: [dir] },
      );
      const [claimed] = await store.jobs.claim({
        worker: 'dead',
        kinds: [SCAN_JOB],
        now: clock.now(),
        leaseMs: 60_000,
      });
      assert.equal(claimed?.payload && (claimed.payload as { scan: string }).scan, scan.id);
      assert.equal((await runScanJobs(deps(), { worker: 'w2' })).completed, 0, 'held under a live lease');
      offset = 61_000;
      assert.equal((await runScanJobs(deps(), { worker: 'w2' })).completed, 1);
      assert.equal((await store.scans.get(scan.id))?.status, 'succeeded');
    });

    it('lists recent scans newest first', async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) {
        offset = i * 1_000;
        ids.push(
          (
            await startScan(
              { store, clock, secureRandom, actor: 'a', profiles: [], passwords: () => [] },
              { kind: 'files', targets: [dir] },
            )
          ).id,
        );
      }
      assert.deepEqual(
        (await store.scans.recent(2)).map((s) => s.id),
        [ids[2], ids[1]],
      );
    });
  });
}
