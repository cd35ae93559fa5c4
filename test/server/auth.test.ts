/**
 * Authentication and authorization through inject() over a real SQLite store: routes guarded by config.scope (none
 * means admin), 401 with `WWW-Authenticate: Bearer` without a credential or with an unknown, expired or revoked
 * one, 403 out of scope, the principal of an owner-bound token, and every refusal audited without the secret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken, revokeApiToken } from '../../src/core/auth/api-tokens.js';
import type { AuditRecord } from '../../src/core/audit/audit-event.js';
import { principalOf } from '../../src/server/auth/principal.js';
import { apiToken, bearer } from '../support/api-token.js';
import { anApp, type TestApp } from '../support/server.js';

async function auditOf(t: TestApp): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of t.rt.store.audit.records()) records.push(record);
  return records;
}

describe('authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await anApp({
      prepare: (app) => {
        app.get('/test/read', { config: { scope: 'read' } }, (request) => principalOf(request));
        app.get('/test/issue', { config: { scope: 'issue' } }, (request) => principalOf(request));
        app.get('/test/unmarked', (request) => principalOf(request));
      },
    });
  });
  after(() => t.cleanup());

  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json<T>(): T }) => {
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    return res.json<{ code: string; status: number; detail: string }>();
  };

  test('no credential: 401 CUSTOS_UNAUTHENTICATED with WWW-Authenticate: Bearer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/read' });
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    assert.equal(problem(res).code, 'CUSTOS_UNAUTHENTICATED');
  });

  test('a token that is not one, or unknown: 401', async () => {
    for (const authorization of ['Bearer nope', `Bearer cst_${'A'.repeat(43)}`, 'Basic dXNlcjpwYXNz']) {
      const res = await t.app.inject({ method: 'GET', url: '/test/read', headers: { authorization } });
      assert.equal(res.statusCode, 401, authorization);
      assert.equal(problem(res).code, 'CUSTOS_UNAUTHENTICATED');
    }
  });

  test('a token with the scope: the route sees its principal', async () => {
    const token = await apiToken(t.rt, { scopes: ['read'] });
    const res = await t.app.inject({ method: 'GET', url: '/test/read', headers: bearer(token) });
    assert.equal(res.statusCode, 200, res.body);
    const principal = res.json<{ id: string; kind: string; scopes: string[]; owner: string | null }>();
    assert.match(principal.id, /^tok_[0-9a-f]{8}$/);
    assert.equal(principal.kind, 'token');
    assert.deepEqual(principal.scopes, ['read']);
    assert.equal(principal.owner, null);
  });

  test('out of scope: 403 CUSTOS_FORBIDDEN; a route without config.scope needs admin', async () => {
    const token = await apiToken(t.rt, { scopes: ['read', 'write'] });
    for (const url of ['/test/issue', '/test/unmarked']) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(token) });
      assert.equal(res.statusCode, 403, url);
      assert.equal(problem(res).code, 'CUSTOS_FORBIDDEN');
    }
    const admin = await apiToken(t.rt, { scopes: ['admin'] });
    const res = await t.app.inject({ method: 'GET', url: '/test/unmarked', headers: bearer(admin) });
    assert.equal(res.statusCode, 200);
  });

  test('an owner-bound token: its principal names the owner', async () => {
    const token = await apiToken(t.rt, { scopes: ['issue'], owner: 'payments' });
    const res = await t.app.inject({ method: 'GET', url: '/test/read', headers: bearer(token) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json<{ owner: string }>().owner, 'payments');
  });

  test('an expired or revoked token: 401, and the refusals are audited by id, never the secret', async () => {
    const deps = { ...t.rt, actor: 'test:auth' };
    const expiring = await createApiToken(deps, { scopes: ['read'], ttlMs: 1 });
    const revoked = await createApiToken(deps, { scopes: ['read'] });
    await revokeApiToken(deps, revoked.record.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const { token, record } of [expiring, revoked]) {
      const res = await t.app.inject({ method: 'GET', url: '/test/read', headers: bearer(token) });
      assert.equal(res.statusCode, 401);
      assert.match(problem(res).detail, new RegExp(record.id));
      const denied = (await auditOf(t)).find(
        (r) => r.type === 'api.denied' && r.data.credential === record.id,
      );
      assert.ok(denied, `the refusal of ${record.id} is audited`);
      assert.equal(denied.actor, `api:${record.id}`);
    }
    const text = JSON.stringify(await auditOf(t)) + JSON.stringify(t.logs);
    assert.ok(!text.includes(expiring.token) && !text.includes(revoked.token), 'no secret in audit or log');
  });

  test('public routes need nothing', async () => {
    for (const url of ['/healthz', '/readyz', '/openapi.json']) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
    }
  });
});
