#!/usr/bin/env node
// Runs every compiled test file with Node's test runner. Node 20 has no glob support in `node --test`,
// so the files are listed here. Extra arguments are passed through (e.g. a file name filter).
import { readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const filters = process.argv.slice(2);
function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (path.endsWith('.test.js')) yield path;
  }
}
const files = ['dist/src', 'dist/test']
  .map((d) => join(root, d))
  .flatMap((d) => {
    try {
      return [...walk(d)];
    } catch {
      return [];
    }
  })
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/ — run `npm run build` first');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
