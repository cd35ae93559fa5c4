#!/usr/bin/env node
// Runs the compiled benchmarks one after another (they print figures; none asserts a time).
// `npm run bench -- scan-files` runs only those whose name contains the word.
import { readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const filters = process.argv.slice(2);
const dir = join(root, 'dist', 'bench');
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n== ${file}`);
  const run = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
