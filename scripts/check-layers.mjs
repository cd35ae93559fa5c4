#!/usr/bin/env node
// Checks the dependency direction of DESIGN.md:
// pki <- core <- {store, connectors, acme, est} <- compose <- server <- {cli, web}.
// A file imports only from its own folder or from folders of a lower layer; src/core and src/pki do no I/O and
// never read the clock or randomness themselves (they are injected through ports).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
const LAYER = {
  pki: 0,
  core: 1,
  store: 2,
  connectors: 2,
  acme: 2,
  est: 2,
  compose: 3,
  server: 4,
  cli: 5,
  web: 5,
};
// The surfaces take their dependencies from the composition root: they never reach past it into the adapters.
const ADAPTERS = new Set(['store', 'connectors', 'acme', 'est']);
const SURFACES = new Set(['server', 'cli', 'web']);
const IO_MODULES = [
  'kysely',
  'fastify',
  'better-sqlite3',
  'pg',
  'nodemailer',
  'pino',
  'fs',
  'fs/promises',
  'net',
  'tls',
  'dns',
  'http',
  'https',
  'child_process',
  'dgram',
  'os',
  'worker_threads',
];
const isIoModule = (spec) => IO_MODULES.some((m) => spec === m || spec === `node:${m}`);
const PURE = new Set(['pki', 'core']);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

const problems = [];
for (const file of walk(src)) {
  const rel = relative(src, file);
  const area = rel.split(sep)[0];
  if (!(area in LAYER)) {
    problems.push(
      `${rel}: folder src/${area} is not a layer of DESIGN.md (${Object.keys(LAYER).join(', ')})`,
    );
    continue;
  }
  const isTest = file.endsWith('.test.ts');
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  for (const spec of specs) {
    if (spec.startsWith('.')) {
      const target = relative(src, resolve(dirname(file), spec));
      const targetArea = target.split(sep)[0];
      if (target.startsWith('..') || targetArea === area) continue;
      if (!(targetArea in LAYER) || LAYER[targetArea] >= LAYER[area]) {
        problems.push(`${rel}: imports ${spec} — src/${area} may not depend on src/${targetArea}`);
      } else if (SURFACES.has(area) && ADAPTERS.has(targetArea) && !isTest) {
        problems.push(`${rel}: imports ${spec} — src/${area} takes src/${targetArea} from src/compose`);
      }
    } else if (PURE.has(area) && !isTest && isIoModule(spec)) {
      problems.push(
        `${rel}: imports ${spec} — src/${area} does no I/O; put it behind a port in src/core/ports`,
      );
    }
  }
  if (PURE.has(area) && !isTest) {
    const code = text.replace(/\/\/.*$/gm, '');
    if (/new Date\(\s*\)|Date\.now\(\)/.test(code)) {
      problems.push(`${rel}: reads the clock — take a Clock from src/core/ports instead`);
    }
    if (/Math\.random\(/.test(code))
      problems.push(`${rel}: uses Math.random — take randomness through a port in src/core/ports`);
  }
}
if (problems.length > 0) {
  console.error(`check-layers: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('check-layers: the dependency direction holds');
