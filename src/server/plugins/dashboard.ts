/**
 * The dashboard (web/): one HTML page at `/`, its compiled scripts (dist/web, built by `npm run build`), its style
 * sheet, and the browser builds of its libraries taken from their own npm packages, so the dashboard needs no
 * network beyond this server. Everything here is public (a page and scripts, no data): the dashboard reads its data
 * from /v1 with the session cookie that `/login?code=` sets, and says how to sign in when /v1/me answers 401.
 * The files are read once, at start-up; only those listed are served, so no request path reaches the file system.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DomainError } from '../../core/errors.js';

interface Asset {
  body: Buffer;
  type: string;
  /** A strong validator (the SHA-256 of the body): a browser that has the file asks again and gets a 304. */
  etag: string;
}

const JS = 'text/javascript; charset=utf-8';
const ASSETS = '/assets';

/** The repository root: this file is dist/src/server/plugins/dashboard.js. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The browser build of each library, by the bare name the dashboard's modules import it with. */
const VENDOR: ReadonlyArray<{ specifier: string; file: (resolved: string) => string }> = [
  { specifier: 'preact', file: (p) => p },
  { specifier: 'preact/hooks', file: (p) => p },
  { specifier: 'htm', file: (p) => p },
  // Chart.js's self-contained build (every chart type registered); it defines the global `Chart`.
  { specifier: 'chart.js', file: (p) => join(dirname(p), 'chart.umd.min.js') },
];

const vendorUrl = (specifier: string): string => `${ASSETS}/vendor/${specifier.replace('/', '-')}.js`;

function toAsset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const { specifier, file } of VENDOR)
    assets.set(
      vendorUrl(specifier),
      toAsset(readFileSync(file(fileURLToPath(import.meta.resolve(specifier)))), JS),
    );
  const scripts = join(root, 'dist', 'web');
  const built = existsSync(scripts) ? readdirSync(scripts, { recursive: true, withFileTypes: true }) : [];
  for (const entry of built) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const path = join(entry.parentPath, entry.name);
    assets.set(
      `${ASSETS}/app/${path.slice(scripts.length + 1).replaceAll('\\', '/')}`,
      toAsset(readFileSync(path), JS),
    );
  }
  assets.set(
    `${ASSETS}/style.css`,
    toAsset(readFileSync(join(root, 'web', 'style.css')), 'text/css; charset=utf-8'),
  );
  return assets;
}

/**
 * The page. Every module is named up front as a `modulepreload`, so the browser fetches them all at once instead of
 * in three waves (main.js, then its imports, then theirs: ~260 ms of a 600 ms load of the inventory page at
 * 1,000,000 certificates, bench/dashboard), and Chart.js (210 kB, drawn only by the overview) no longer stops the
 * parser: it is deferred, and still runs before the modules (deferred scripts run in document order).
 */
function page(assets: ReadonlyMap<string, Asset>): string {
  const modules = VENDOR.filter((v) => v.specifier !== 'chart.js');
  const imports = Object.fromEntries(modules.map((v) => [v.specifier, vendorUrl(v.specifier)]));
  const preloads = [
    ...[...assets.keys()].filter((url) => url.startsWith(`${ASSETS}/app/`)).sort(),
    ...modules.map((v) => vendorUrl(v.specifier)),
  ]
    .map((url) => `<link rel="modulepreload" href="${url}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Custos</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS}/style.css">
<script type="importmap">${JSON.stringify({ imports })}</script>
${preloads}
<script defer src="${vendorUrl('chart.js')}"></script>
<script type="module" src="${ASSETS}/app/main.js"></script>
</head>
<body><div id="app">Loading…</div><noscript>The Custos dashboard needs JavaScript.</noscript></body>
</html>
`;
}

/**
 * `If-None-Match` by RFC 9110 §13.1.2: `*`, or a list of entity tags compared weakly (a proxy that compresses the file
 * sends back `W/"..."` for the tag it received).
 */
function notModified(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/** What `/` says when only the server was compiled (`tsc -p tsconfig.json`), not the dashboard's scripts. */
const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custos</title></head>
<body><p>The dashboard's scripts are not built: run <code>npm run build</code> (it compiles web/ into dist/web/)
and restart <code>custos serve</code>.</p></body></html>
`;

export const dashboardPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const assets = loadAssets();
  const ready = assets.has(`${ASSETS}/app/main.js`);
  if (!ready) app.log.warn('the dashboard is not built (no dist/web/main.js): run npm run build');
  const html = ready ? page(assets) : NOT_BUILT;
  const hidden = { hide: true };

  app.get('/', { schema: hidden, config: { scope: 'public' } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html),
  );

  app.get(
    `${ASSETS}/*`,
    { schema: { ...hidden, params: Type.Object({ '*': Type.String() }) }, config: { scope: 'public' } },
    async (request, reply) => {
      const asset = assets.get(`${ASSETS}/${request.params['*']}`);
      if (asset === undefined) throw new DomainError('CUSTOS_NOT_FOUND', `No dashboard file ${request.url}.`);
      // `no-cache` with a validator: the browser keeps the file and asks whether it changed (304 if not).
      reply.header('cache-control', 'no-cache').header('etag', asset.etag);
      if (notModified(request.headers['if-none-match'], asset.etag)) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    },
  );
};
