/**
 * The dashboard's files as the server serves them (inject, no browser): the page at `/` needs no credential, and
 * every script it loads — its own modules, each module they import, and the libraries named by its import map —
 * is served by this server, so the dashboard works with no other network. Anything else under /assets is a 404.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { anApp, type TestApp } from '../support/server.js';

let t: TestApp;
before(async () => {
  t = await anApp();
});
after(() => t.cleanup());

test('the page at / is served without a credential and names only scripts of this server', async () => {
  const page = await t.app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /^text\/html/);
  const importMap = /<script type="importmap">(.*?)<\/script>/s.exec(page.body)?.[1];
  assert.ok(importMap !== undefined, page.body);
  const imports = (JSON.parse(importMap) as { imports: Record<string, string> }).imports;
  assert.deepEqual(Object.keys(imports).sort(), ['htm', 'preact', 'preact/hooks']);
  // data: URLs (the empty favicon) are inline: no request at all.
  const urls = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((m) => m[1] as string)
    .filter((url) => !url.startsWith('data:'));
  for (const url of [...urls, ...Object.values(imports)]) assert.match(url, /^\/assets\//);

  // Every module the page loads, and every module those import, answers 200 with a script type.
  const seen = new Set<string>();
  const queue = [...urls, ...Object.values(imports)];
  while (queue.length > 0) {
    const url = queue.shift() as string;
    if (seen.has(url)) continue;
    seen.add(url);
    const response = await t.app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 200, url);
    if (!url.endsWith('.js')) continue;
    assert.match(response.headers['content-type'] as string, /^text\/javascript/, url);
    if (!url.startsWith('/assets/app/')) continue;
    for (const [, specifier] of response.body.matchAll(/\bfrom\s*['"]([^'"]+)['"]/g)) {
      const spec = specifier as string;
      queue.push(
        spec.startsWith('.')
          ? new URL(spec, `http://x${url}`).pathname
          : (imports[spec] ?? `missing:${spec}`),
      );
    }
  }
  assert.ok(seen.has('/assets/app/pages/inventory.js'), [...seen].join('\n'));
  // Every module is preloaded from the page, so the browser fetches them in one wave, not one per import depth.
  const preloaded = new Set(
    [...page.body.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]),
  );
  const modules = [...seen].filter((url) => url.endsWith('.js') && !url.includes('chart.js'));
  assert.deepEqual(
    modules.filter((url) => !preloaded.has(url)),
    [],
  );
  // Chart.js is a classic script that must not hold the parser.
  assert.match(page.body, /<script defer src="\/assets\/vendor\/chart\.js\.js"><\/script>/);
  assert.ok(
    [...seen].every((url) => !url.startsWith('missing:')),
    [...seen].join('\n'),
  );
});

test('a path under /assets that is not a dashboard file is a 404 problem, and no path reaches the disk', async () => {
  for (const url of [
    '/assets/app/nope.js',
    '/assets/../package.json',
    '/assets/app/..%2f..%2fpackage.json',
  ]) {
    const response = await t.app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 404, url);
    assert.match(response.headers['content-type'] as string, /^application\/problem\+json/, url);
  }
});

test('a dashboard file the browser already has is answered 304 without a body, and a changed one in full', async () => {
  const first = await t.app.inject({ method: 'GET', url: '/assets/app/main.js' });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['cache-control'], 'no-cache');
  const etag = first.headers.etag as string;
  assert.match(etag, /^"[A-Za-z0-9_-]{43}"$/);
  const again = await t.app.inject({
    method: 'GET',
    url: '/assets/app/main.js',
    headers: { 'if-none-match': etag },
  });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  assert.equal(again.headers.etag, etag);
  // Compared weakly, in a list, or as `*` (RFC 9110 §13.1.2): a compressing proxy hands back `W/"..."`.
  for (const header of [`W/${etag}`, `"other", ${etag}`, '*']) {
    const response = await t.app.inject({
      method: 'GET',
      url: '/assets/app/main.js',
      headers: { 'if-none-match': header },
    });
    assert.equal(response.statusCode, 304, header);
  }
  const stale = await t.app.inject({
    method: 'GET',
    url: '/assets/app/main.js',
    headers: { 'if-none-match': '"something-else"' },
  });
  assert.equal(stale.statusCode, 200);
  assert.equal(stale.body, first.body);
});
