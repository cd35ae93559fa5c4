/**
 * The JobQueue contract, on every dialect of DIALECTS: dedup, claims under a lease, reclaim after a lease runs out,
 * a stale worker changing nothing, failures with exponential backoff (injected clock and randomness) until the job
 * is given up, enqueueing inside a store transaction, and two workers in two processes doing each job once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { drainJobs, type DrainSummary } from '../../src/core/jobs/drain-jobs.js';
import type { JobLease } from '../../src/core/ports/job-queue.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { T0 } from './fixtures.js';

const at = (ms: number): Date => new Date(T0.getTime() + ms);
const leaseOf = (job: { id: number; attempts: number }): JobLease => ({ id: job.id, attempts: job.attempts });
const WORKER_SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), 'support', 'job-worker.js');

for (const dialect of DIALECTS) {
  describe(`JobQueue contract on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    beforeEach(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
    });

    const claim = (now: number, options: { leaseMs?: number; limit?: number; kinds?: string[] } = {}) =>
      store.jobs.claim({
        worker: 'w1',
        kinds: options.kinds ?? ['mail'],
        now: at(now),
        leaseMs: options.leaseMs ?? 1_000,
        limit: options.limit,
      });

    it('adds no second job while one with the same dedup key is queued or running', async () => {
      assert.equal(
        await store.jobs.enqueue({ kind: 'mail', payload: { to: 'a' }, dedupKey: 'k' }, at(0)),
        true,
      );
      assert.equal(
        await store.jobs.enqueue({ kind: 'mail', payload: { to: 'b' }, dedupKey: 'k' }, at(1)),
        false,
      );
      const [running] = await claim(10);
      assert.deepEqual(running?.payload, { to: 'a' });
      assert.equal(
        await store.jobs.enqueue({ kind: 'mail', payload: { to: 'c' }, dedupKey: 'k' }, at(11)),
        false,
      );
      assert.equal(await store.jobs.complete(leaseOf(running!)), true);
      assert.equal(
        await store.jobs.enqueue({ kind: 'mail', payload: { to: 'd' }, dedupKey: 'k' }, at(12)),
        true,
      );
      // Jobs without a key never collide.
      assert.equal(await store.jobs.enqueue({ kind: 'mail', payload: 1 }, at(13)), true);
      assert.equal(await store.jobs.enqueue({ kind: 'mail', payload: 1 }, at(13)), true);
      const listed = await store.jobs.list();
      assert.deepEqual(
        listed.map((job) => [job.payload, job.dedupKey, job.status, job.attempts]),
        [
          [{ to: 'd' }, 'k', 'queued', 0],
          [1, null, 'queued', 0],
          [1, null, 'queued', 0],
        ],
      );
    });

    it('claims due jobs of the asked kinds only, oldest first, each once', async () => {
      await store.jobs.enqueue({ kind: 'mail', payload: 'later', runAt: at(500) }, at(0));
      await store.jobs.enqueue({ kind: 'mail', payload: 'second' }, at(20));
      await store.jobs.enqueue({ kind: 'mail', payload: 'first' }, at(10));
      await store.jobs.enqueue({ kind: 'other', payload: 'not mine' }, at(0));
      const claimed = await claim(100, { limit: 10 });
      assert.deepEqual(
        claimed.map((job) => [job.payload, job.status, job.attempts, job.worker, job.leaseUntil]),
        [
          ['first', 'running', 1, 'w1', at(1_100)],
          ['second', 'running', 1, 'w1', at(1_100)],
        ],
      );
      assert.deepEqual(await claim(200, { limit: 10 }), [], 'a running job under its lease is not claimed');
      assert.deepEqual(
        (await claim(500, { limit: 10 })).map((job) => job.payload),
        ['later'],
      );
      assert.deepEqual(await claim(0, { kinds: [] }), []);
    });

    it('claims a job again once its lease runs out; the worker that lost it changes nothing', async () => {
      await store.jobs.enqueue({ kind: 'mail', payload: 'x' }, at(0));
      const [first] = await claim(0, { leaseMs: 1_000 });
      assert.ok(first);
      assert.equal(await store.jobs.extend(leaseOf(first), at(2_000)), true);
      assert.deepEqual(await claim(1_999), [], 'the extended lease still holds');
      const [second] = await claim(2_000);
      assert.equal(second?.id, first.id);
      assert.equal(second?.attempts, 2);
      // The first worker wakes up: its lease is gone.
      assert.equal(await store.jobs.extend(leaseOf(first), at(9_000)), false);
      assert.equal(await store.jobs.complete(leaseOf(first)), false);
      assert.equal(
        await store.jobs.fail(leaseOf(first), { error: 'late', at: at(2_001), retryAt: null }),
        false,
      );
      assert.equal((await store.jobs.list())[0]?.status, 'running');
      assert.equal(await store.jobs.complete(leaseOf(second!)), true);
      assert.deepEqual(await store.jobs.list(), []);
    });

    it('gives a job up once its lease runs out on its last attempt, and keeps it for inspection', async () => {
      await store.jobs.enqueue({ kind: 'mail', payload: 'x', maxAttempts: 1 }, at(0));
      assert.equal((await claim(0)).length, 1);
      assert.deepEqual(await claim(1_000), []);
      const [dead] = await store.jobs.list();
      assert.equal(dead?.status, 'failed');
      assert.equal(dead?.attempts, 1);
      assert.match(dead?.lastError ?? '', /lease of attempt 1 ran out/);
    });

    it('retries a failing job with exponential backoff and jitter, then gives it up as failed', async () => {
      await store.jobs.enqueue({ kind: 'mail', payload: 'x', maxAttempts: 3, dedupKey: 'mail:x' }, at(0));
      let now = 0;
      const random = { float: () => 0.5 };
      const drain = (): Promise<DrainSummary> =>
        drainJobs(
          { jobs: store.jobs, clock: { now: () => at(now) }, random },
          {
            worker: 'w1',
            backoff: { baseMs: 1_000, maxMs: 60_000 },
            handlers: {
              mail: async (job) => {
                throw new Error(`smtp refused attempt ${job.attempts}`);
              },
            },
          },
        );
      assert.deepEqual(await drain(), { completed: 0, retried: 1, failed: 0, lost: 0 });
      // Attempt 1 failed: wait 1000 ms, less a random half (0.5 of it) = 750 ms.
      let [job] = await store.jobs.list();
      assert.deepEqual(
        [job?.status, job?.attempts, job?.runAt, job?.lastError],
        ['queued', 1, at(750), 'smtp refused attempt 1'],
      );
      now = 749;
      assert.deepEqual(await drain(), { completed: 0, retried: 0, failed: 0, lost: 0 });
      now = 750;
      assert.deepEqual(await drain(), { completed: 0, retried: 1, failed: 0, lost: 0 });
      // Attempt 2 failed: 2000 ms, less 500.
      [job] = await store.jobs.list();
      assert.deepEqual([job?.attempts, job?.runAt], [2, at(750 + 1_500)]);
      assert.equal(
        await store.jobs.enqueue({ kind: 'mail', payload: 'again', dedupKey: 'mail:x' }, at(800)),
        false,
        'a job waiting for its retry still holds its dedup key',
      );
      now = 2_250;
      assert.deepEqual(await drain(), { completed: 0, retried: 0, failed: 1, lost: 0 });
      [job] = await store.jobs.list();
      assert.deepEqual([job?.status, job?.attempts, job?.lastError], ['failed', 3, 'smtp refused attempt 3']);
      now = 1_000_000;
      assert.deepEqual(await drain(), { completed: 0, retried: 0, failed: 0, lost: 0 }, 'a failed job stays');
      assert.equal(
        await store.jobs.enqueue({ kind: 'mail', payload: 'again', dedupKey: 'mail:x' }, at(now)),
        true,
        'a failed job no longer holds its dedup key',
      );
    });

    it('drains: a handler that outlives its lease changes nothing; one that completes in its transaction is done', async () => {
      await store.jobs.enqueue({ kind: 'slow', payload: 'a' }, at(0));
      await store.jobs.enqueue({ kind: 'tx', payload: 'b' }, at(0));
      let now = 0;
      const summary = await drainJobs(
        { jobs: store.jobs, clock: { now: () => at(now) }, random: { float: () => 0 } },
        {
          worker: 'w1',
          leaseMs: 1_000,
          handlers: {
            slow: async () => {
              // Its lease runs out and another worker takes the job before this one gives up.
              now = 5_000;
              const [taken] = await store.jobs.claim({
                worker: 'w2',
                kinds: ['slow'],
                now: at(now),
                leaseMs: 1_000,
              });
              assert.equal(taken?.attempts, 2);
              throw new Error('too slow');
            },
            tx: async (_job, context) => {
              await store.transaction((tx) => tx.jobs.complete(context.lease));
            },
          },
        },
      );
      assert.deepEqual(summary, { completed: 1, retried: 0, failed: 0, lost: 1 });
      const [left] = await store.jobs.list();
      assert.deepEqual(
        [left?.kind, left?.status, left?.worker, left?.lastError],
        ['slow', 'running', 'w2', null],
      );
    });

    it('enqueues and completes inside a store transaction, with its writes or not at all', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.jobs.enqueue({ kind: 'mail', payload: 'rolled back' }, at(0));
          throw new Error('the work failed');
        }),
        /the work failed/,
      );
      assert.deepEqual(await store.jobs.list(), []);
      await store.transaction(async (tx) => {
        await tx.jobs.enqueue({ kind: 'mail', payload: 'kept', dedupKey: 'k' }, at(0));
        assert.equal(await tx.jobs.enqueue({ kind: 'mail', payload: 'dup', dedupKey: 'k' }, at(0)), false);
      });
      const [job] = await claim(0);
      assert.equal(job?.payload, 'kept');
      await assert.rejects(
        store.transaction(async (tx) => {
          assert.equal(await tx.jobs.complete(leaseOf(job!)), true);
          throw new Error('the handler failed after completing');
        }),
      );
      assert.equal((await store.jobs.list()).length, 1, 'the completion rolled back with the transaction');
      await store.transaction((tx) => tx.jobs.complete(leaseOf(job!)));
      assert.deepEqual(await store.jobs.list(), []);

      await store.jobs.enqueue({ kind: 'mail', payload: 'retried' }, at(0));
      const [failing] = await claim(0);
      const failure = { error: 'refused', at: at(1), retryAt: at(60) };
      await assert.rejects(
        store.transaction(async (tx) => {
          assert.equal(await tx.jobs.fail(leaseOf(failing!), failure), true);
          throw new Error('the record of the failure was not written');
        }),
      );
      assert.equal((await store.jobs.list())[0]?.status, 'running', 'the failure rolled back with it');
      assert.equal(await store.transaction((tx) => tx.jobs.fail(leaseOf(failing!), failure)), true);
      const [queued] = await store.jobs.list();
      assert.deepEqual([queued?.status, queued?.runAt, queued?.lastError], ['queued', at(60), 'refused']);
    });

    it('two workers in two processes do each job exactly once', async () => {
      const jobs = 150;
      for (let i = 0; i < jobs; i++) await store.jobs.enqueue({ kind: 'test.work', payload: i }, new Date());
      const output = join(tmpdir(), `custos-jobs-${process.pid}-${Date.now()}.txt`);
      try {
        const run = promisify(execFile);
        const workers = await Promise.all(
          ['worker-a', 'worker-b'].map((name) =>
            run(process.execPath, [WORKER_SCRIPT, JSON.stringify(db.options), output, name]),
          ),
        );
        const lines = (await readFile(output, 'utf8')).trim().split('\n');
        const ids = lines.map((line) => line.split(' ')[0]);
        assert.equal(ids.length, jobs, 'no job was done twice');
        assert.equal(new Set(ids).size, jobs, 'every job was done');
        for (const name of ['worker-a', 'worker-b']) {
          assert.ok(
            lines.some((line) => line.endsWith(` ${name}`)),
            `${name} did some of the work: ${workers.map((w) => w.stdout).join(' ')}`,
          );
        }
        assert.deepEqual(await store.jobs.list(), []);
      } finally {
        await rm(output, { force: true });
      }
    });
  });
}
