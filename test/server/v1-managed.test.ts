/**
 * Managed certificates over `/v1`, in process over a real SQLite store and the built-in CA: a ManagedCertificate
 * applied with POST (checked as `apply -f` checks it), reconciled by the closed loop to real files that a real
 * node:tls server on 127.0.0.1 serves, its status read back exactly as `managed status --json` prints it; renewal
 * and rollback asked for over the API and carried out by the reconciler; deletion with revocation; scopes and owner
 * binding refused with 403.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, createServer, type Server } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { managedDependencies } from '../../src/compose/managed.js';
import { initAuthority } from '../../src/core/ca/init-authority.js';
import { applyManifests } from '../../src/core/declarative/apply-manifests.js';
import { runReconciler } from '../../src/core/managed/managed-jobs.js';
import { apiToken, bearer } from '../support/api-token.js';
import { anApp, type TestApp } from '../support/server.js';
import { twoTeams } from './v1-teams.js';

interface Status {
  conditions: Array<{ type: string; status: string; reason: string }>;
  revision: number | null;
  fingerprintSha256: string | null;
  staleEndpoints: unknown[];
}

const GOVERNANCE = twoTeams({ web: 'team-a' });

describe('/v1/managed', () => {
  let t: TestApp;
  let dir: string;
  let server: Server;
  let port: number;
  let writer: Record<string, string>;
  let admin: Record<string, string>;
  let reader: Record<string, string>;
  let teamB: Record<string, string>;

  const document = () => ({
    apiVersion: 'custos/v1',
    kind: 'ManagedCertificate',
    metadata: { name: 'web' },
    spec: {
      identity: 'web',
      commonName: 'web.test',
      dnsNames: ['web.test'],
      duration: '24h',
      issuerRef: { name: 'default' },
      destinations: [
        {
          file: {
            certificate: join(dir, 'web.crt'),
            fullchain: join(dir, 'fullchain.pem'),
            privateKey: join(dir, 'web.key'),
          },
        },
      ],
      verify: [{ host: '127.0.0.1', port, sni: 'web.test' }],
    },
  });

  const reconcile = async () =>
    runReconciler(await managedDependencies(t.rt), { worker: 'test', until: new Date(Date.now() + 30_000) });

  const status = async (headers = reader): Promise<Status> => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/managed/web', headers });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<Status>();
  };

  before(async () => {
    t = await anApp();
    dir = await mkdtemp(join(tmpdir(), 'custos-v1-managed-'));
    await initAuthority(t.rt, {
      name: 'default',
      keyType: 'ec-p256',
      where: { backend: 'software' },
      rootTtlMs: 10 * 365 * 86_400_000,
      intermediateTtlMs: 5 * 365 * 86_400_000,
    });
    await applyManifests(t.rt, { text: GOVERNANCE, fileName: 'governance.yaml', actor: 'test' });
    // Serves whatever is deployed at each handshake, as a server reloaded after every deployment would.
    server = createServer({
      SNICallback: (_name, done) => {
        Promise.all([readFile(join(dir, 'web.key')), readFile(join(dir, 'fullchain.pem'))]).then(
          ([key, cert]) => done(null, createSecureContext({ key, cert })),
          (error: Error) => done(error),
        );
      },
    });
    server.on('tlsClientError', () => undefined);
    server.on('secureConnection', (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    writer = bearer(await apiToken(t.rt, { scopes: ['write'] }));
    admin = bearer(await apiToken(t.rt, { scopes: ['admin'] }));
    reader = bearer(await apiToken(t.rt, { scopes: ['read'] }));
    teamB = bearer(await apiToken(t.rt, { scopes: ['write'], owner: 'team-b' }));
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an invalid document with every problem, as apply does', async () => {
    const doc = document();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/managed',
      headers: writer,
      payload: { ...doc, spec: { ...doc.spec, duration: 'forever', identity: 'nobody' } },
    });
    assert.equal(res.statusCode, 422, res.body);
    assert.match(res.json<{ detail: string }>().detail, /duration/);
  });

  it('applies, reconciles to Ready, and answers `managed status --json`', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/managed',
      headers: writer,
      payload: document(),
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), {
      kind: 'ManagedCertificate',
      name: 'web',
      change: 'created',
      generation: 1,
    });
    const same = await t.app.inject({
      method: 'POST',
      url: '/v1/managed',
      headers: writer,
      payload: document(),
    });
    assert.equal(same.statusCode, 200);
    assert.equal(same.json<{ change: string }>().change, 'unchanged');

    await reconcile();
    const ready = await status();
    assert.deepEqual(Object.keys(ready), ['conditions', 'revision', 'fingerprintSha256', 'staleEndpoints']);
    assert.equal(ready.revision, 1);
    assert.equal(ready.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    const list = await t.app.inject({ method: 'GET', url: '/v1/managed', headers: reader });
    assert.deepEqual(
      list
        .json<Array<{ name: string; ready: string; revision: number }>>()
        .map((i) => [i.name, i.ready, i.revision]),
      [['web', 'True', 1]],
    );
  });

  it('renews and rolls back through the reconciler', async () => {
    const first = (await status()).fingerprintSha256;
    const renew = await t.app.inject({ method: 'POST', url: '/v1/managed/web/renew', headers: writer });
    assert.equal(renew.statusCode, 202, renew.body);
    await reconcile();
    const renewed = await status();
    assert.equal(renewed.revision, 2);
    assert.notEqual(renewed.fingerprintSha256, first);

    const rollback = await t.app.inject({ method: 'POST', url: '/v1/managed/web/rollback', headers: writer });
    assert.equal(rollback.statusCode, 202, rollback.body);
    assert.deepEqual(rollback.json(), { from: 2, to: 1, fingerprintSha256: first });
    await reconcile();
    const back = await status();
    assert.equal(back.fingerprintSha256, first);
    assert.equal(back.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  });

  it("hides it from another owner's token, refuses its changes and a read token's", async () => {
    const other = await t.app.inject({ method: 'GET', url: '/v1/managed/web', headers: teamB });
    assert.equal(other.statusCode, 404, 'a read answers as if it did not exist');
    assert.equal(other.json<{ code: string }>().code, 'CUSTOS_MANAGED_NOT_FOUND');
    const listed = await t.app.inject({ method: 'GET', url: '/v1/managed', headers: teamB });
    assert.deepEqual(listed.json(), []);
    const renew = await t.app.inject({ method: 'POST', url: '/v1/managed/web/renew', headers: teamB });
    assert.equal(renew.statusCode, 403);
    assert.equal(renew.json<{ code: string }>().code, 'CUSTOS_FORBIDDEN');
    const denied = [];
    for await (const record of t.rt.store.audit.records())
      if (record.type === 'api.denied')
        denied.push([record.subject, (record.data as { reason: string }).reason]);
    assert.deepEqual(denied.length, 1, 'the refusal is audited as the auth plugin audits its own');
    assert.equal(denied[0]?.[0], 'route:POST /v1/managed/:name/renew');
    assert.match(String(denied[0]?.[1]), /owner team-b/);
    const apply = await t.app.inject({
      method: 'POST',
      url: '/v1/managed',
      headers: teamB,
      payload: document(),
    });
    assert.equal(apply.statusCode, 403);
    const readOnly = await t.app.inject({ method: 'POST', url: '/v1/managed/web/renew', headers: reader });
    assert.equal(readOnly.statusCode, 403);
    const revokeWithoutIssue = await t.app.inject({
      method: 'DELETE',
      url: '/v1/managed/web?revoke=true',
      headers: writer,
    });
    assert.equal(revokeWithoutIssue.statusCode, 403);
    const missing = await t.app.inject({ method: 'GET', url: '/v1/managed/nope', headers: reader });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ code: string }>().code, 'CUSTOS_MANAGED_NOT_FOUND');
  });

  it('deletes with revocation: every revision revoked, files removed', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/managed/web?revoke=true', headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ revoked: string[]; destinations: Array<{ ok: boolean }> }>();
    assert.equal(body.revoked.length, 2);
    assert.ok(body.destinations.every((d) => d.ok));
    assert.equal(existsSync(join(dir, 'web.crt')), false);
    for (const fingerprint of body.revoked)
      assert.notEqual(
        (await t.rt.store.authorities.issued({ fingerprintSha256: fingerprint }))?.revocation,
        null,
      );
    const gone = await t.app.inject({ method: 'GET', url: '/v1/managed/web', headers: reader });
    assert.equal(gone.statusCode, 404);
  });
});
