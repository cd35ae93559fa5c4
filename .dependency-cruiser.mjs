// @ts-check
// The dependency direction of DESIGN.md, checked by dependency-cruiser (`npm run lint`):
//   pki <- core <- {store, connectors, acme, est} <- compose <- server <- {cli, web}
// A folder of src imports only from itself or from folders of a lower layer (never a sibling of its own layer);
// nothing in src imports in a circle; the ports of src/core import types only; src/core and src/pki import no I/O
// module (the ESLint restrictions in eslint.config.js add the clock, randomness, process and fetch). Tests beside the
// code (`*.test.ts`) follow the direction but may do I/O. test/guard.test.ts proves each rule can fail.

/** Layers, lowest first; the folders of one layer may not import one another. */
const LAYERS = [
  ['pki'],
  ['core'],
  ['store', 'connectors', 'acme', 'est'],
  ['compose'],
  ['server'],
  ['cli', 'web'],
];
const FOLDERS = LAYERS.flat();
const TEST = '\\.test\\.ts$';
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'tls',
  'dns',
  'dns/promises',
  'http',
  'https',
  'http2',
  'child_process',
  'dgram',
  'os',
  'worker_threads',
  'process',
];
const IO_PACKAGES = ['kysely', 'fastify', 'pg', 'better-sqlite3', 'pino', 'nodemailer'];
const any = (names) => names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|');

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const layerRules = LAYERS.flatMap((layer, index) => {
  const allowed = [...LAYERS.slice(0, index).flat()];
  return layer.map((folder) => ({
    name: `layer-${folder}`,
    comment:
      `src/${folder} imports only from itself` +
      (allowed.length > 0 ? ` and from the lower layers ${allowed.join(', ')}` : '') +
      ' (DESIGN.md: pki <- core <- {store, connectors, acme, est} <- compose <- server <- {cli, web})',
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: '^src/', pathNot: `^src/(${[folder, ...allowed].join('|')})/` },
  }));
});

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...layerRules,
    {
      name: 'edges-take-dependencies-from-compose',
      comment:
        'the CLI, the server and the dashboard get the store and connectors from the composition root (src/compose), ' +
        'never by wiring their own (DESIGN.md: one composition root)',
      severity: 'error',
      from: { path: '^src/(server|cli|web)/', pathNot: TEST },
      to: { path: '^src/(store|connectors|acme|est)/' },
    },
    {
      name: 'not-a-layer',
      comment: `every file of src sits in a folder that is a layer of DESIGN.md (${FOLDERS.join(', ')})`,
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${FOLDERS.join('|')})/` },
      to: {},
    },
    {
      name: 'not-a-layer-alone',
      comment: `every file of src sits in a folder that is a layer of DESIGN.md (${FOLDERS.join(', ')})`,
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: `^src/(${FOLDERS.join('|')})/` },
      to: {},
    },
    {
      name: 'no-circular',
      comment:
        'no file of src imports itself through others (type-only imports count: a circle of types is a circle)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'ports-import-no-logic',
      comment:
        'src/core/ports are leaves: interfaces that import types only (`import type`), never code that runs',
      severity: 'error',
      from: { path: '^src/core/ports/', pathNot: TEST },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'pure-no-io',
      comment:
        'src/core and src/pki do no I/O: no file system, network, processes, OS, threads, database, logger or mail; ' +
        'put it behind a port in src/core/ports',
      severity: 'error',
      from: { path: '^src/(core|pki)/', pathNot: TEST },
      to: {
        dependencyTypesNot: ['type-only'],
        path: [
          `^(node:)?(${any(IO_MODULES)})$`,
          `^(${any(IO_PACKAGES)})($|/)`,
          `node_modules/(${any(IO_PACKAGES)})/`,
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6', 'cjs'],
  },
};
