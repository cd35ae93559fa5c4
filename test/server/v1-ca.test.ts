/**
 * The built-in CA over `/v1`, in process (inject) over a real SQLite store: the CAs listed and shown; a certificate
 * issued from a CSR made by openssl, which `openssl verify` accepts with the answered chain; revoked over the API,
 * which the OCSP responder then reports as revoked to `openssl ocsp`; a bootstrap token made over the API and spent
 * on an issuance; scopes (read cannot issue) and owner binding (another owner's identity or certificate) refused with
 * 403 CUSTOS_FORBIDDEN as problem+json.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { initAuthority } from '../../src/core/ca/init-authority.js';
import { applyManifests } from '../../src/core/declarative/apply-manifests.js';
import { certificatesPem } from '../../src/pki/formats/pem-writer.js';
import { apiToken, bearer } from '../support/api-token.js';
import { anApp, type TestApp } from '../support/server.js';
import { twoTeams } from './v1-teams.js';

const exec = promisify(execFile);

async function openssl(cwd: string, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec('openssl', args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A P-256 key and CSR made by openssl; returns the CSR PEM. */
async function aCsr(dir: string, name: string, cn: string): Promise<string> {
  const made = await openssl(
    dir,
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
    '-addext',
    `subjectAltName=DNS:${cn}`,
  );
  assert.equal(made.code, 0, made.output);
  return readFile(join(dir, `${name}.csr`), 'utf8');
}

const GOVERNANCE = twoTeams({ 'payments-api': 'team-a', 'billing-api': 'team-b' });

describe('/v1 CA routes', () => {
  let t: TestApp;
  let dir: string;
  let issuer: Record<string, string>;
  let reader: Record<string, string>;
  let teamA: Record<string, string>;

  before(async () => {
    t = await anApp();
    dir = await mkdtemp(join(tmpdir(), 'custos-v1-ca-'));
    await initAuthority(t.rt, {
      name: 'default',
      keyType: 'ec-p256',
      where: { backend: 'software' },
      rootTtlMs: 10 * 365 * 86_400_000,
      intermediateTtlMs: 5 * 365 * 86_400_000,
    });
    await applyManifests(t.rt, { text: GOVERNANCE, fileName: 'governance.yaml', actor: 'test' });
    issuer = bearer(await apiToken(t.rt, { scopes: ['issue'] }));
    reader = bearer(await apiToken(t.rt, { scopes: ['read'] }));
    teamA = bearer(await apiToken(t.rt, { scopes: ['issue'], owner: 'team-a' }));
    const ca = await t.rt.store.authorities.get('default');
    assert.ok(ca?.certificate);
    await writeFile(join(dir, 'root.pem'), certificatesPem(ca.chain.slice(-1)));
    await writeFile(join(dir, 'issuing.pem'), certificatesPem([ca.certificate]));
  });
  after(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('documents the action routes and their answers in /openapi.json', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    for (const [path, method, status] of [
      ['/v1/scans', 'post', '202'],
      ['/v1/scans/{id}', 'get', '200'],
      ['/v1/cas/{name}', 'get', '404'],
      ['/v1/certificates/issue', 'post', '201'],
      ['/v1/certificates/{fingerprint}/revoke', 'post', '200'],
      ['/v1/bootstrap-tokens', 'post', '201'],
      ['/v1/managed', 'post', '201'],
      ['/v1/managed/{name}', 'delete', '200'],
      ['/v1/managed/{name}/rollback', 'post', '409'],
    ] as const)
      assert.ok(doc.paths[path]?.[method]?.responses[status], `${method} ${path} ${status} documented`);
  });

  it('lists and shows the CAs as `ca list|show --json`', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/v1/cas', headers: reader });
    assert.equal(list.statusCode, 200, list.body);
    const cas = list.json<Array<{ name: string; status: string; certificates: unknown[] }>>();
    assert.deepEqual(
      cas.map((c) => [c.name, c.status, c.certificates.length]),
      [['default', 'active', 2]],
    );
    const one = await t.app.inject({ method: 'GET', url: '/v1/cas/default', headers: reader });
    assert.equal(one.json<{ name: string }>().name, 'default');
    const missing = await t.app.inject({ method: 'GET', url: '/v1/cas/nope', headers: reader });
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /application\/problem\+json/);
    assert.equal(missing.json<{ code: string }>().code, 'CUSTOS_CA_NOT_FOUND');
  });

  it('issues from an openssl CSR, verified by openssl; revokes, and OCSP says revoked', async () => {
    const csr = await aCsr(dir, 'api', 'api.corp.example');
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: reader,
      payload: { csr },
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'CUSTOS_FORBIDDEN');

    const issued = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: issuer,
      payload: { csr, ttl: '48h', identity: 'payments-api' },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    const body = issued.json<{
      fingerprintSha256: string;
      identity: string;
      certificate: string;
      chain: string;
      notBefore: string;
      notAfter: string;
    }>();
    assert.equal(body.identity, 'payments-api');
    assert.equal(Date.parse(body.notAfter) - Date.parse(body.notBefore) <= 48 * 3_600_000 + 120_000, true);
    await writeFile(join(dir, 'api.pem'), body.certificate);
    await writeFile(join(dir, 'chain.pem'), body.chain);
    const verified = await openssl(
      dir,
      'verify',
      '-CAfile',
      'root.pem',
      '-untrusted',
      'chain.pem',
      'api.pem',
    );
    assert.equal(verified.code, 0, verified.output);
    assert.match(verified.output, /api\.pem: OK/);
    const san = await openssl(dir, 'x509', '-in', 'api.pem', '-noout', '-ext', 'subjectAltName');
    assert.match(san.output, /DNS:api\.corp\.example/);

    const revoked = await t.app.inject({
      method: 'POST',
      url: `/v1/certificates/${body.fingerprintSha256}/revoke`,
      headers: issuer,
      payload: { reason: 'keyCompromise' },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.deepEqual(
      (({ revoked: r, reason }) => ({ r, reason }))(revoked.json<{ revoked: boolean; reason: string }>()),
      { r: true, reason: 'keyCompromise' },
    );
    const again = await t.app.inject({
      method: 'POST',
      url: `/v1/certificates/${body.fingerprintSha256}/revoke`,
      headers: issuer,
      payload: { reason: 'superseded' },
    });
    assert.equal(again.json<{ revoked: boolean }>().revoked, false);

    const request = await openssl(
      dir,
      'ocsp',
      '-issuer',
      'issuing.pem',
      '-cert',
      'api.pem',
      '-no_nonce',
      '-reqout',
      'req.der',
    );
    assert.equal(request.code, 0, request.output);
    const answer = await t.app.inject({
      method: 'POST',
      url: '/ocsp',
      headers: { 'content-type': 'application/ocsp-request' },
      payload: await readFile(join(dir, 'req.der')),
    });
    assert.equal(answer.statusCode, 200);
    await writeFile(join(dir, 'resp.der'), answer.rawPayload);
    const status = await openssl(
      dir,
      'ocsp',
      '-respin',
      'resp.der',
      '-issuer',
      'issuing.pem',
      '-cert',
      'api.pem',
      '-CAfile',
      'root.pem',
      '-verify_other',
      'issuing.pem',
    );
    assert.match(status.output, /api\.pem: revoked/, status.output);
    assert.match(status.output, /Reason: keyCompromise/);
  });

  it('binds an owner-bound token to its identities and certificates', async () => {
    const csr = await aCsr(dir, 'billing', 'billing.corp.example');
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: teamA,
      payload: { csr, identity: 'billing-api' },
    });
    assert.equal(other.statusCode, 403);
    assert.equal(other.json<{ code: string }>().code, 'CUSTOS_FORBIDDEN');
    const none = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: teamA,
      payload: { csr },
    });
    assert.equal(none.statusCode, 403);

    const billing = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: issuer,
      payload: { csr, identity: 'billing-api' },
    });
    assert.equal(billing.statusCode, 201, billing.body);
    const fingerprint = billing.json<{ fingerprintSha256: string }>().fingerprintSha256;
    const notTheirs = await t.app.inject({
      method: 'POST',
      url: `/v1/certificates/${fingerprint}/revoke`,
      headers: teamA,
      payload: { reason: 'superseded' },
    });
    assert.equal(notTheirs.statusCode, 403);
    assert.equal((await t.rt.store.authorities.issued({ fingerprintSha256: fingerprint }))?.revocation, null);
    // By serial, the same answer for another owner's certificate and for one that does not exist: nothing to probe.
    const serial = billing.json<{ serialNumber: string }>().serialNumber;
    for (const certificate of [serial, 'abcdef0123', 'not-a-serial']) {
      const refused = await t.app.inject({
        method: 'POST',
        url: '/v1/revocations',
        headers: teamA,
        payload: { certificate, reason: 'superseded' },
      });
      assert.equal(refused.statusCode, 403, `${certificate}: ${refused.body}`);
      assert.equal(refused.json<{ code: string }>().code, 'CUSTOS_FORBIDDEN');
    }
    const profiles = await t.app.inject({ method: 'GET', url: '/v1/scan-profiles', headers: teamA });
    assert.equal(
      profiles.statusCode,
      403,
      "the server paths and targets of the profiles are not one owner's",
    );

    const own = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: teamA,
      payload: { csr: await aCsr(dir, 'pay', 'pay.corp.example'), identity: 'payments-api' },
    });
    assert.equal(own.statusCode, 201, own.body);
    const mine = await t.app.inject({
      method: 'POST',
      url: `/v1/certificates/${own.json<{ fingerprintSha256: string }>().fingerprintSha256}/revoke`,
      headers: teamA,
      payload: { reason: 'superseded' },
    });
    assert.equal(mine.statusCode, 200, mine.body);
  });

  it('issues for a key made here (generateKey), answered once with the certificate', async () => {
    const issued = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: issuer,
      payload: { generateKey: 'ec-p256', dnsNames: ['gen.corp.example'] },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    const body = issued.json<{ certificate: string; chain: string; privateKey: string }>();
    await writeFile(join(dir, 'gen.pem'), body.certificate);
    await writeFile(join(dir, 'gen.key'), body.privateKey);
    await writeFile(join(dir, 'gen-chain.pem'), body.chain);
    const fromCert = await openssl(dir, 'x509', '-in', 'gen.pem', '-noout', '-pubkey');
    const fromKey = await openssl(dir, 'pkey', '-in', 'gen.key', '-pubout');
    assert.equal(fromCert.output, fromKey.output, "the key is the certificate's");
    const verified = await openssl(
      dir,
      'verify',
      '-CAfile',
      'root.pem',
      '-untrusted',
      'gen-chain.pem',
      'gen.pem',
    );
    assert.equal(verified.code, 0, verified.output);
    const both = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: issuer,
      payload: { generateKey: 'ec-p256', csr: await aCsr(dir, 'both', 'both.corp.example') },
    });
    assert.equal(both.statusCode, 400);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: issuer,
      payload: { generateKey: 'dsa-1024', dnsNames: ['x.corp.example'] },
    });
    assert.equal(unknown.statusCode, 400);
  });

  it('makes a bootstrap token that one issuance spends, for its identity', async () => {
    const made = await t.app.inject({
      method: 'POST',
      url: '/v1/bootstrap-tokens',
      headers: issuer,
      payload: { identity: 'sensor-0042', ttl: '15m' },
    });
    assert.equal(made.statusCode, 201, made.body);
    const { token, identity } = made.json<{ token: string; identity: string }>();
    assert.equal(identity, 'sensor-0042');
    const csr = await aCsr(dir, 'sensor', 'sensor-0042.corp.example');
    const issued = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: issuer,
      payload: { csr, token },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    assert.equal(issued.json<{ identity: string }>().identity, 'sensor-0042');
    const spent = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: issuer,
      payload: { csr, token },
    });
    assert.equal(spent.statusCode, 401);
    assert.equal(spent.json<{ code: string }>().code, 'CUSTOS_TOKEN_INVALID');
  });

  it('refuses a malformed CSR and an unknown reason with the CLI codes', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/certificates/issue',
      headers: issuer,
      payload: { csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' },
    });
    assert.equal(bad.statusCode, 422, bad.body);
    assert.match(bad.json<{ code: string }>().code, /^CUSTOS_DER_/);
    const reason = await t.app.inject({
      method: 'POST',
      url: `/v1/certificates/${'0'.repeat(64)}/revoke`,
      headers: issuer,
      payload: { reason: 'bored' },
    });
    assert.equal(reason.statusCode, 400);
    assert.equal(reason.json<{ code: string }>().code, 'CUSTOS_INVALID_ARGUMENT');
  });
});
