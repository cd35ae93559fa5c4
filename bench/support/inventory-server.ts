/**
 * A real Custos server over the benches' large inventory (the store bench/inventory-query fills, filled here only when
 * it does not hold the asked count yet): the Runtime `custos serve` composes, buildApp, listening on 127.0.0.1 on a
 * free port. Prints the bench's first lines (count, store, load average). CUSTOS_BENCH_API_COUNT asks for a smaller
 * store (default 1,000,000).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Runtime } from '../../src/compose/runtime.js';
import type { App } from '../../src/server/app.js';
import { buildApp } from '../../src/server/build-app.js';
import { aRuntime } from '../../test/support/server.js';
import { benchDataDir, fillInventory } from '../inventory-query.js';

const DAY_MS = 86_400_000;

export interface InventoryServer {
  rt: Runtime;
  app: App;
  /** http://127.0.0.1:PORT */
  base: string;
  count: number;
  /** The moment the store was filled at (its synthetic validity periods are spread from it). */
  now: Date;
  close(): Promise<void>;
}

export const loadAverage = (): string =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');

export async function anInventoryServer(bench: string): Promise<InventoryServer> {
  const count = Number(process.env.CUSTOS_BENCH_API_COUNT ?? 1_000_000);
  const dataDir = benchDataDir(count);
  const metaFile = join(dataDir, 'bench.json');
  console.log(`bench/${bench}: ${count.toLocaleString('en')} certificates in SQLite (${dataDir})`);
  console.log(`  load average ${loadAverage()}`);
  if (existsSync(metaFile)) console.log('  reusing the filled store');
  else {
    const now = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const seconds = await fillInventory({ dataDir, count, now });
    await writeFile(metaFile, JSON.stringify({ now: now.toISOString(), count, seconds }));
  }
  const now = new Date((JSON.parse(readFileSync(metaFile, 'utf8')) as { now: string }).now);

  // The Runtime `custos serve --data-dir` composes, as the server tests open it.
  const opened = await aRuntime(dataDir);
  const rt: Runtime = { ...opened, logger: pino({ level: 'warn' }) };
  const app = await buildApp(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return {
    rt,
    app,
    base,
    count,
    now,
    close: async () => {
      await app.close();
      await rt.store.close();
    },
  };
}
