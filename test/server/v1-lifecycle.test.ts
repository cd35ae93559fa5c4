/**
 * The /v1 routes of the CLI's remaining capabilities, in process over a real SQLite store and the built-in CA, with
 * real tokens: an owner assigned to one certificate (`owners assign`), a discovered certificate adopted (`managed
 * adopt`), identity lifecycle events from an orchestrator (created, destroyed) and `identities destroy`, and the
 * job queue (`jobs list`). Wrong scopes and other owners' objects are refused with 403.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initAuthority } from '../../src/core/ca/init-authority.js';
import { applyManifests } from '../../src/core/declarative/apply-manifests.js';
import { apiToken, bearer } from '../support/api-token.js';
import { anApp, type TestApp } from '../support/server.js';
import { twoTeams } from './v1-teams.js';

const GOVERNANCE = twoTeams({ web: 'team-a' });

type Headers = Record<string, string>;

describe('/v1 owners, adopt, identities, jobs', () => {
  let t: TestApp;
  let dir: string;
  let admin: Headers;
  let reader: Headers;
  let writer: Headers;
  let issuer: Headers;
  let teamA: Headers;
  let teamB: Headers;

  const issue = async (identity: string, name: string): Promise<string> => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: admin,
      payload: { generateKey: 'ec-p256', identity, commonName: name, dnsNames: [name], ttl: '24h' },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<{ fingerprintSha256: string }>().fingerprintSha256;
  };

  before(async () => {
    t = await anApp();
    dir = await mkdtemp(join(tmpdir(), 'custos-v1-lifecycle-'));
    await initAuthority(t.rt, {
      name: 'default',
      keyType: 'ec-p256',
      where: { backend: 'software' },
      rootTtlMs: 10 * 365 * 86_400_000,
      intermediateTtlMs: 5 * 365 * 86_400_000,
    });
    await applyManifests(t.rt, { text: GOVERNANCE, fileName: 'governance.yaml', actor: 'test' });
    admin = bearer(await apiToken(t.rt, { scopes: ['admin'] }));
    reader = bearer(await apiToken(t.rt, { scopes: ['read'] }));
    writer = bearer(await apiToken(t.rt, { scopes: ['write'] }));
    issuer = bearer(await apiToken(t.rt, { scopes: ['issue'] }));
    teamA = bearer(await apiToken(t.rt, { scopes: ['write'], owner: 'team-a' }));
    teamB = bearer(await apiToken(t.rt, { scopes: ['write', 'issue'], owner: 'team-b' }));
  });
  after(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('assigns an owner as `owners assign` does; refuses a reader and another owner', async () => {
    const fingerprint = await issue('web', 'owned.test');
    const url = `/v1/certificates/${fingerprint.slice(0, 16)}/owner`;
    const asReader = await t.app.inject({
      method: 'POST',
      url,
      headers: reader,
      payload: { owner: 'team-b' },
    });
    assert.equal(asReader.statusCode, 403, asReader.body);
    const asB = await t.app.inject({ method: 'POST', url, headers: teamB, payload: { owner: 'team-b' } });
    assert.equal(asB.statusCode, 403, asB.body);
    assert.equal(asB.json<{ code: string }>().code, 'CUSTOS_FORBIDDEN');
    const noSuchOwner = await t.app.inject({ method: 'POST', url, headers: writer, payload: { owner: 'x' } });
    assert.equal(noSuchOwner.statusCode, 404, noSuchOwner.body);

    const asA = await t.app.inject({ method: 'POST', url, headers: teamA, payload: { owner: 'team-b' } });
    assert.equal(asA.statusCode, 200, asA.body);
    assert.deepEqual(asA.json(), {
      fingerprintSha256: fingerprint,
      owner: 'team-b',
      previousOwner: 'team-a',
    });
    const detail = await t.app.inject({
      method: 'GET',
      url: `/v1/certificates/${fingerprint}`,
      headers: reader,
    });
    assert.equal(detail.json<{ owner: string }>().owner, 'team-b');
    // Now team-b's: team-a may not take it back.
    const back = await t.app.inject({ method: 'POST', url, headers: teamA, payload: { owner: 'team-a' } });
    assert.equal(back.statusCode, 403, back.body);
  });

  it('adopts a certificate as `managed adopt` does: dry run, then applied; refuses another owner', async () => {
    const fingerprint = await issue('web', 'adopt.test');
    const body = {
      fingerprint,
      issuer: 'default',
      identity: 'web',
      destinations: [{ certificate: join(dir, 'adopt.crt'), privateKey: join(dir, 'adopt.key') }],
    };
    const asB = await t.app.inject({
      method: 'POST',
      url: '/v1/managed/adopt',
      headers: teamB,
      payload: { ...body, identity: undefined },
    });
    assert.equal(asB.statusCode, 403, asB.body);
    const dry = await t.app.inject({
      method: 'POST',
      url: '/v1/managed/adopt',
      headers: writer,
      payload: { ...body, dryRun: true },
    });
    assert.equal(dry.statusCode, 200, dry.body);
    const planned = dry.json<{ name: string; manifest: string; apply: { dryRun: boolean } }>();
    assert.equal(planned.name, 'adopt.test');
    assert.equal(planned.apply.dryRun, true);
    assert.match(planned.manifest, /kind: ManagedCertificate/);
    const list = async () =>
      (await t.app.inject({ method: 'GET', url: '/v1/managed', headers: reader })).json<
        Array<{ name: string }>
      >();
    assert.deepEqual(await list(), []);

    const applied = await t.app.inject({
      method: 'POST',
      url: '/v1/managed/adopt',
      headers: teamA,
      payload: body,
    });
    assert.equal(applied.statusCode, 201, applied.body);
    assert.deepEqual(
      (await list()).map((m) => m.name),
      ['adopt.test'],
    );
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/managed/adopt',
      headers: writer,
      payload: body,
    });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json<{ code: string }>().code, 'CUSTOS_MANAGED_EXISTS');
  });

  it('takes identity lifecycle events: created declares it, destroyed revokes what was issued for it', async () => {
    const url = '/v1/identities/edge-17/events';
    const created = { type: 'created', spec: { kind: 'device', owner: 'team-a' } };
    const asB = await t.app.inject({ method: 'POST', url, headers: teamB, payload: created });
    assert.equal(asB.statusCode, 403, asB.body);
    const invalid = await t.app.inject({
      method: 'POST',
      url,
      headers: writer,
      payload: { type: 'created', spec: { kind: 'toaster', owner: 'team-a' } },
    });
    assert.equal(invalid.statusCode, 422, invalid.body);
    const ok = await t.app.inject({ method: 'POST', url, headers: writer, payload: created });
    assert.equal(ok.statusCode, 201, ok.body);
    const same = await t.app.inject({ method: 'POST', url, headers: writer, payload: created });
    assert.equal(same.statusCode, 200, same.body);
    const identity = await t.app.inject({ method: 'GET', url: '/v1/identities/edge-17', headers: reader });
    assert.equal(identity.statusCode, 200, identity.body);

    const fingerprint = await issue('edge-17', 'edge-17.test');
    const writeOnly = await t.app.inject({
      method: 'POST',
      url,
      headers: writer,
      payload: { type: 'destroyed' },
    });
    assert.equal(writeOnly.statusCode, 403, writeOnly.body);
    const otherOwner = await t.app.inject({
      method: 'POST',
      url,
      headers: teamB,
      payload: { type: 'destroyed' },
    });
    assert.equal(otherOwner.statusCode, 403, otherOwner.body);
    const destroyed = await t.app.inject({
      method: 'POST',
      url,
      headers: admin,
      payload: { type: 'destroyed' },
    });
    assert.equal(destroyed.statusCode, 200, destroyed.body);
    assert.deepEqual(destroyed.json(), {
      identity: 'edge-17',
      managed: [],
      revoked: [fingerprint],
      stillServed: [],
    });
    const gone = await t.app.inject({ method: 'GET', url: '/v1/identities/edge-17', headers: reader });
    assert.equal(gone.statusCode, 404, gone.body);
  });

  it('destroys an identity as `identities destroy` does, with the issue scope', async () => {
    await applyManifests(t.rt, {
      text: 'apiVersion: custos/v1\nkind: Identity\nmetadata: {name: batch}\nspec: {owner: team-b, kind: workload}\n',
      fileName: 'batch.yaml',
      actor: 'test',
    });
    const url = '/v1/identities/batch/destroy';
    const asWriter = await t.app.inject({ method: 'POST', url, headers: writer });
    assert.equal(asWriter.statusCode, 403, asWriter.body);
    const asIssuer = await t.app.inject({ method: 'POST', url, headers: issuer });
    assert.equal(asIssuer.statusCode, 200, asIssuer.body);
    assert.equal(asIssuer.json<{ identity: string }>().identity, 'batch');
    const missing = await t.app.inject({ method: 'POST', url, headers: issuer });
    assert.equal(missing.statusCode, 404, missing.body);
    assert.equal(missing.json<{ code: string }>().code, 'CUSTOS_NOT_FOUND');
  });

  it('lists the job queue for an admin only', async () => {
    const asWriter = await t.app.inject({ method: 'GET', url: '/v1/jobs', headers: writer });
    assert.equal(asWriter.statusCode, 403, asWriter.body);
    const res = await t.app.inject({ method: 'GET', url: '/v1/jobs', headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(Array.isArray(res.json()));
  });
});
