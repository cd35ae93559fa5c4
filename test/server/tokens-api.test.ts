/**
 * Credentials over HTTP through inject() over a real SQLite store: admins make, list and revoke API tokens
 * (`/v1/tokens`), `/v1/me` says who a request is, and the dashboard's sign-in: a login code redeemed once at
 * `/login` for an HttpOnly SameSite=Strict session cookie that authenticates like a token until `/logout`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLoginCode } from '../../src/core/auth/dashboard-login.js';
import { apiToken, bearer } from '../support/api-token.js';
import { anApp, type TestApp } from '../support/server.js';

interface TokenInfo {
  id: string;
  name: string;
  scopes: string[];
  owner: string | null;
  state: string;
}

describe('/v1/tokens and /v1/me', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await anApp();
    admin = await apiToken(t.rt, { scopes: ['admin'] });
  });
  after(() => t.cleanup());

  test('an admin makes a token (its secret shown once), lists it and revokes it', async () => {
    const made = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(admin),
      payload: { scopes: ['read'], name: 'dashboards', owner: 'payments', ttl: '30d' },
    });
    assert.equal(made.statusCode, 201, made.body);
    const { token, info } = made.json<{ token: string; info: TokenInfo }>();
    assert.match(token, /^cst_/);
    assert.equal(info.name, 'dashboards');
    assert.equal(info.owner, 'payments');
    assert.equal(info.state, 'active');

    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });
    assert.deepEqual(me.json(), {
      id: info.id,
      kind: 'token',
      name: 'dashboards',
      scopes: ['read'],
      owner: 'payments',
    });

    const listed = await t.app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(admin) });
    assert.equal(listed.statusCode, 200);
    assert.ok(!listed.body.includes(token), 'a listing never holds a secret');
    assert.ok(listed.json<{ items: TokenInfo[] }>().items.some((i) => i.id === info.id));

    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${info.id}`,
      headers: bearer(admin),
    });
    assert.equal(revoked.statusCode, 200);
    assert.equal(revoked.json<TokenInfo>().state, 'revoked');
    const after = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });
    assert.equal(after.statusCode, 401);
    const unknown = await t.app.inject({
      method: 'DELETE',
      url: '/v1/tokens/tok_00000000',
      headers: bearer(admin),
    });
    assert.equal(unknown.statusCode, 404);
  });

  test('tokens are for admins only; an owner-bound admin makes tokens for its owner only', async () => {
    const writer = await apiToken(t.rt, { scopes: ['write', 'issue'] });
    const refused = await t.app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(writer) });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'CUSTOS_FORBIDDEN');

    const teamAdmin = await apiToken(t.rt, { scopes: ['admin'], owner: 'payments' });
    const escalate = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(teamAdmin),
      payload: { scopes: ['admin'], owner: 'platform' },
    });
    assert.equal(escalate.statusCode, 403);
    const bound = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(teamAdmin),
      payload: { scopes: ['admin'] },
    });
    assert.equal(bound.statusCode, 201);
    assert.equal(
      bound.json<{ info: TokenInfo }>().info.owner,
      'payments',
      'bound to its owner, never unbound',
    );
    const listed = await t.app.inject({ method: 'GET', url: '/v1/tokens', headers: bearer(teamAdmin) });
    assert.ok(listed.json<{ items: TokenInfo[] }>().items.every((i) => i.owner === 'payments'));
  });

  test('a bad request is 400 problem+json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(admin),
      payload: { scopes: ['root'] },
    });
    assert.equal(res.statusCode, 400);
  });

  test('the OpenAPI document says which routes need no credential', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    }>();
    assert.deepEqual(doc.paths['/healthz']?.get?.security, []);
    assert.equal(
      doc.paths['/v1/tokens']?.get?.security,
      undefined,
      'the document-wide bearer/session applies',
    );
    assert.ok(doc.components.securitySchemes.bearer);
  });
});

describe('dashboard sign-in', () => {
  let t: TestApp;
  before(async () => {
    t = await anApp();
  });
  after(() => t.cleanup());

  test('a login code works once for a session cookie, which authenticates until /logout', async () => {
    const code = await createLoginCode({ ...t.rt, actor: 'server:test' });
    const login = await t.app.inject({ method: 'GET', url: `/login?code=${code.secret}` });
    assert.equal(login.statusCode, 303);
    assert.equal(login.headers.location, '/');
    const setCookie = String(login.headers['set-cookie']);
    assert.match(setCookie, /^custos_session=css_[A-Za-z0-9_-]{43};/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.doesNotMatch(setCookie, /Secure/, 'not over plain HTTP');
    const cookie = setCookie.split(';')[0] as string;

    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json<{ kind: string; scopes: string[] }>().kind, 'session');
    assert.deepEqual(me.json<{ scopes: string[] }>().scopes, ['admin']);

    const again = await t.app.inject({ method: 'GET', url: `/login?code=${code.secret}` });
    assert.equal(again.statusCode, 401);
    assert.equal(again.json<{ code: string }>().code, 'CUSTOS_UNAUTHENTICATED');

    const out = await t.app.inject({ method: 'POST', url: '/logout', headers: { cookie } });
    assert.equal(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    const gone = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } });
    assert.equal(gone.statusCode, 401);

    assert.ok(!JSON.stringify(t.logs).includes(code.secret), 'the code is never logged');
    assert.ok(!JSON.stringify(t.logs).includes(cookie.split('=')[1] as string), 'nor the session');
  });
});
