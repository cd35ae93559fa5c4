/**
 * bench/metrics: a Prometheus scrape of `/metrics` at 100,000 certificates (Prometheus' default scrape timeout is
 * 10 s).
 *
 *   npx tsx bench/metrics.ts [--count 100000] [--refill]
 *
 * Fills (or reuses) the SQLite store of bench/inventory-query (each certificate with a file sighting, its audit
 * events and its stored evaluation), starts the server's app on a free port with `metrics.public`, and times
 * GET /metrics with curl: the first scrape (the estate families computed from the whole inventory, then rendered), a
 * scrape with nothing changed (reused; the counters read incrementally), one after a change to the audit trail
 * (it waits up to 5 s for the families being computed again, else serves the previous ones), and how long until a
 * scrape serves the new families. Prints wall time and the server's CPU time for each (on a shared machine the
 * CPU time is the better measure of the work), and the size of the exposition.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const execFileAsync = promisify(execFile);
import { composeDependencies, openRuntime } from '../src/compose/runtime.js';
import { buildApp } from '../src/server/build-app.js';
import { benchDataDir, fillInventory } from './inventory-query.js';

const DAY_MS = 86_400_000;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, result };
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '100000' }, refill: { type: 'boolean', default: false } },
  });
  const count = Number(values.count);
  const dataDir = benchDataDir(count);
  const metaFile = join(dataDir, 'bench.json');
  console.log(`bench/metrics: GET /metrics at ${count.toLocaleString('en')} certificates (${dataDir})`);
  console.log(
    `  load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} (CPU time is this process's; wall time includes waiting for a shared CPU)`,
  );
  if (values.refill || !existsSync(metaFile)) {
    const now = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const seconds = await fillInventory({ dataDir, count, now });
    await writeFile(metaFile, JSON.stringify({ now: now.toISOString(), count, seconds }));
  } else console.log('  reusing the filled store (--refill to fill it again)');
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { now: string };

  const rt = await openRuntime(
    await composeDependencies({
      surface: 'server',
      flags: [{ key: 'dataDir', flag: '--data-dir', value: dataDir }],
      env: { CUSTOS_METRICS_PUBLIC: 'true', CUSTOS_METRICS_MAX_SERIES: String(Math.max(count, 100_000)) },
      cwd: process.cwd(),
    }),
  );
  const app = await buildApp(rt);
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const body = join(tmpdir(), `custos-bench-metrics-${process.pid}.prom`);
    // curl is the scraper, so this process's CPU time is the server's alone.
    const scrape = () =>
      timed(async () => {
        const { stdout } = await execFileAsync('curl', [
          '-sS',
          '--fail',
          '-o',
          body,
          '-w',
          '%{size_download}',
          `http://127.0.0.1:${port}/metrics`,
        ]);
        return Number(stdout);
      });
    const judgedAt = async (): Promise<number> => {
      const text = await readFile(body, 'utf8');
      return Number(/^custos_metrics_estate_timestamp_seconds (\d+)$/m.exec(text)?.[1]);
    };

    try {
      const first = await scrape();
      const text = await readFile(body, 'utf8');
      const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      console.log(
        `  exposition: ${series.toLocaleString('en')} series, ${(first.result / 1e6).toFixed(1)} MB (store filled ${meta.now})`,
      );
      console.log(
        `  first scrape (estate families computed):  wall ${ms(first.ms)}, CPU ${ms(first.cpuMs)}  (aim: well under 10,000 ms)`,
      );
      const again = await scrape();
      console.log(
        `  scrape, nothing changed (reused):          wall ${ms(again.ms)}, CPU ${ms(again.cpuMs)}`,
      );
      const before = await judgedAt();
      // Any change writes an audit event; a scan's completion is the commonest.
      await rt.store.transaction((tx) =>
        tx.appendAudit([
          { type: 'scan.completed', actor: 'bench:metrics', subject: 'bench', at: rt.clock.now(), data: {} },
        ]),
      );
      const changed = await scrape();
      console.log(
        `  scrape after a change:                     wall ${ms(changed.ms)}, CPU ${ms(changed.cpuMs)}  (${(await judgedAt()) === before ? 'served the previous families while computing' : 'computed within the wait'})`,
      );
      const refreshed = await timed(async () => {
        for (;;) {
          await scrape();
          if ((await judgedAt()) !== before) return;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      });
      console.log(`  until a scrape serves the new families:    wall ${ms(changed.ms + refreshed.ms)}`);
    } finally {
      await rm(body, { force: true });
    }
  } finally {
    await app.close();
    await rt.store.close();
  }
}

await main();
