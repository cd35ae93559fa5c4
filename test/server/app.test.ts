/**
 * buildApp through `inject()` over a real SQLite store: health and readiness, errors as problem+json with the
 * catalogue's code and status (the cause logged, never sent), request ids, and the generated OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { DomainError } from '../../src/core/errors.js';
import { ERROR_CODES } from '../../src/core/error-codes.js';
import { anApp, type TestApp } from '../support/server.js';
import { apiToken, bearer } from '../support/api-token.js';

const SECRET_CAUSE = 'driver said: password=hunter2 at 10.0.0.9';

describe('buildApp', () => {
  let t: TestApp;
  before(async () => {
    t = await anApp({
      prepare: (app) => {
        app.get('/test/domain', { config: { scope: 'public' } }, () => {
          throw new DomainError('CUSTOS_CA_NOT_FOUND', 'No CA named "nope".', {
            cause: new Error(SECRET_CAUSE),
            hint: 'custos ca list shows them',
          });
        });
        app.get('/test/unexpected', { config: { scope: 'public' } }, () => {
          throw new TypeError(SECRET_CAUSE);
        });
        app.get(
          '/test/validated',
          {
            config: { scope: 'public' },
            schema: { querystring: Type.Object({ limit: Type.Integer({ minimum: 1 }) }) },
          },
          (request) => ({ limit: request.query.limit }),
        );
      },
    });
  });
  after(() => t.cleanup());

  test('/healthz answers while the process runs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  test('/readyz answers when the store does', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ready' });
  });

  test('a DomainError is its catalogue status and code; the cause goes to the log, not the client', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/domain' });
    assert.equal(res.statusCode, ERROR_CODES.CUSTOS_CA_NOT_FOUND.http);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = res.json<Record<string, unknown>>();
    assert.deepEqual(body, {
      type: 'urn:custos:error:CUSTOS_CA_NOT_FOUND',
      title: ERROR_CODES.CUSTOS_CA_NOT_FOUND.summary,
      status: 404,
      detail: 'No CA named "nope".',
      code: 'CUSTOS_CA_NOT_FOUND',
      hint: 'custos ca list shows them',
      requestId: res.headers['x-request-id'],
    });
    assert.ok(!res.body.includes('hunter2'));
    const logged = t.logs.find((l) => l.code === 'CUSTOS_CA_NOT_FOUND');
    assert.ok(logged, 'the error is logged');
    assert.equal(logged.requestId, res.headers['x-request-id'], 'with the request id');
    assert.match(JSON.stringify(logged.err), /hunter2/, 'with its cause');
  });

  test('anything else is 500 CUSTOS_INTERNAL with nothing of the error in the answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/unexpected' });
    assert.equal(res.statusCode, 500);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = res.json<{ code: string; detail: string }>();
    assert.equal(body.code, 'CUSTOS_INTERNAL');
    assert.ok(!res.body.includes('hunter2') && !res.body.includes('TypeError'), res.body);
    const logged = t.logs.find((l) => l.code === 'CUSTOS_INTERNAL');
    assert.equal(logged?.level, 50, 'logged as an error');
    assert.match(JSON.stringify(logged?.err), /TypeError/);
  });

  test('a request that fails its schema is 400 CUSTOS_INVALID_ARGUMENT naming the field', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/validated?limit=0' });
    assert.equal(res.statusCode, 400);
    const body = res.json<{ code: string; detail: string }>();
    assert.equal(body.code, 'CUSTOS_INVALID_ARGUMENT');
    assert.match(body.detail, /limit/);
    const ok = await t.app.inject({ method: 'GET', url: '/test/validated?limit=3' });
    assert.deepEqual(ok.json(), { limit: 3 });
  });

  test('an unknown route is 404 CUSTOS_NOT_FOUND as problem+json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.json<{ code: string }>().code, 'CUSTOS_NOT_FOUND');
    assert.equal(res.json<{ detail: string }>().detail, 'No route GET /v1/nothing-here.');
  });

  test("a caller's X-Request-Id is kept and logged; a hostile one is replaced", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/test/validated?limit=1',
      headers: { 'x-request-id': 'lb-1234.abc' },
    });
    assert.equal(res.headers['x-request-id'], 'lb-1234.abc');
    const hostile = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'a b\u0000{"level":60}' },
    });
    assert.match(String(hostile.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.ok(t.logs.some((l) => l.requestId === 'lb-1234.abc' && l.msg === 'request completed'));
  });

  test('request logs name no token and no login code: headers are left out, secret query values redacted', async () => {
    const token = await apiToken(t.rt, { scopes: ['read'] });
    const code = 'lc_0123456789abcdef0123456789abcdef';
    const from = t.logs.length;
    assert.equal((await t.app.inject({ url: '/healthz', headers: bearer(token) })).statusCode, 200);
    await t.app.inject({ url: `/?code=${code}&view=inventory` });
    await t.app.inject({ url: `/login?code=${code}` });
    await t.app.inject({ url: `/v1/certificates?access_token=${token}` });
    const lines = t.logs.slice(from).map((l) => JSON.stringify(l));
    assert.ok(lines.length >= 4, lines.join('\n'));
    for (const line of lines) {
      assert.ok(!line.includes(token.slice(4)), `a token in the log: ${line}`);
      assert.ok(!line.includes(code), `a login code in the log: ${line}`);
      assert.ok(!/authorization|cookie/i.test(line), `a credential header in the log: ${line}`);
    }
    const urls = t.logs.slice(from).flatMap((l) => {
      const req = l.req as { url?: string } | undefined;
      return req?.url === undefined ? [] : [req.url];
    });
    assert.ok(urls.includes('/?code=(redacted)&view=inventory'), urls.join('\n'));
    assert.ok(urls.includes('/v1/certificates?access_token=(redacted)'), urls.join('\n'));
  });

  test('/openapi.json is an OpenAPI 3 document generated from the routes, with the problem schema', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content: Record<string, unknown> }> }>
      >;
      components: { schemas: Record<string, { required: string[] }> };
    }>();
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.paths['/healthz']?.get, 'healthz documented');
    for (const path of ['/crl/{name}.crl', '/ca/{name}.crt', '/ocsp', '/ocsp/{*}'])
      assert.ok(doc.paths[path], `${path} documented`);
    assert.deepEqual(Object.keys(doc.paths['/ocsp']?.post?.responses['200']?.content ?? {}), [
      'application/ocsp-response',
    ]);
    const notReady = doc.paths['/readyz']?.get?.responses['503'];
    assert.deepEqual(Object.keys(notReady?.content ?? {}), ['application/problem+json']);
    assert.deepEqual(doc.components.schemas.Problem?.required, ['type', 'title', 'status', 'detail', 'code']);
    assert.equal(doc.paths['/openapi.json'], undefined, 'the document itself is not an API route');
  });

  test('/readyz is 503 CUSTOS_STORE_UNAVAILABLE once the store is gone; /healthz still answers', async () => {
    const other = await anApp();
    try {
      await other.rt.store.close();
      const res = await other.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json<{ code: string }>().code, 'CUSTOS_STORE_UNAVAILABLE');
      assert.equal((await other.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    } finally {
      await other.cleanup();
    }
  });
});
