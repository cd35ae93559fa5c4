/**
 * JWT provisioners against a real loopback HTTP server serving the issuer's JWK Set, tokens signed with jose by
 * test keys: OIDC and Kubernetes service-account tokens are granted with their claims; a wrong audience or issuer,
 * an expired token, a token signed by another key, `alg: none` and HS256 are refused with CUSTOS_TOKEN_INVALID and
 * the reason. Key rotation is picked up past the cache; a dead issuer is CUSTOS_JWKS_UNAVAILABLE; jwksFile works.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createJwksSource } from '../../src/connectors/jwks/jwks-source.js';
import { readUserFile } from '../../src/connectors/files/read-user-file.js';
import type { JwtProvisioner } from '../../src/core/ca/provisioners/provisioner.js';
import { verifyProvisionerJwt } from '../../src/core/ca/provisioners/verify-provisioner-jwt.js';
import { authorizeIssuance } from '../../src/core/ca/authorize-issuance.js';
import { withDefaultProvisioners } from '../../src/core/ca/provisioners/provisioner.js';
import { DomainError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS } from '../store/dialects.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const clock = { now: () => NOW };
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

interface TestKey {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function aKey(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const refused = (reason: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.code === 'CUSTOS_TOKEN_INVALID' && reason.test(error.message);

describe('JWT provisioners (OIDC, Kubernetes) against a loopback JWKS', () => {
  let server: Server;
  let served: JWK[] = [];
  let requests = 0;
  let base: string;
  let dir: string;
  let key: TestKey;
  let other: TestKey;

  const source = () =>
    createJwksSource({ timeoutMs: 2_000, readFile: readUserFile, now: () => Date.now(), minRefreshMs: 0 });
  const oidc = (overrides: Partial<JwtProvisioner> = {}): JwtProvisioner => ({
    name: 'ci',
    type: 'oidc',
    issuer: 'https://issuer.test',
    audience: 'custos',
    jwks: { uri: `${base}/jwks.json` },
    claimsToNames: [],
    limits: { maxTtlMs: 86_400_000 },
    ...overrides,
  });
  const kubernetes: () => JwtProvisioner = () => ({
    name: 'k8s',
    type: 'kubernetes',
    issuer: 'https://kubernetes.default.svc.cluster.local',
    audience: 'custos',
    jwks: { uri: `${base}/jwks.json` },
    claimsToNames: [],
    limits: { names: ['*.svc.cluster.local'] },
  });

  const sign = (
    signer: TestKey,
    claims: Record<string, unknown>,
    options: { iss?: string; aud?: string | string[]; exp?: Date; nbf?: Date; alg?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: options.alg ?? (signer.jwk.alg as string), kid: signer.jwk.kid as string })
      .setIssuer(options.iss ?? 'https://issuer.test')
      .setAudience(options.aud ?? 'custos')
      .setIssuedAt(seconds(NOW) - 60)
      .setNotBefore(seconds(options.nbf ?? new Date(NOW.getTime() - 60_000)))
      .setExpirationTime(seconds(options.exp ?? new Date(NOW.getTime() + 600_000)))
      .sign(signer.privateKey);

  before(async () => {
    key = await aKey('k1');
    other = await aKey('k2');
    served = [key.jwk];
    server = createServer((request, response) => {
      requests++;
      if (request.url === '/jwks.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ keys: served }));
      } else if (request.url === '/slow') {
        setTimeout(() => response.end('{}'), 5_000);
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'custos-jwks-'));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('grants an OIDC token with its claims and the provisioner limits', async () => {
    const token = await sign(key, {
      sub: 'repo:corp/payments:ref:refs/heads/main',
      email: 'ci@corp.example',
    });
    const grant = await verifyProvisionerJwt({ jwks: source(), clock }, oidc(), token);
    assert.equal(grant.name, 'ci');
    assert.equal(grant.kind, 'oidc');
    assert.equal(grant.claims.sub, 'repo:corp/payments:ref:refs/heads/main');
    assert.deepEqual(grant.claims.aud, ['custos']);
    assert.equal(grant.claims.email, 'ci@corp.example');
    assert.deepEqual(grant.limits, { maxTtlMs: 86_400_000 });
  });

  it('gives a Kubernetes token namespace, serviceAccount, sub and aud as claims', async () => {
    const token = await sign(
      key,
      {
        sub: 'system:serviceaccount:payments:api',
        'kubernetes.io': {
          namespace: 'payments',
          serviceaccount: { name: 'api', uid: 'b6f2c1e0' },
          pod: { name: 'api-7d9f', uid: '1f2e' },
        },
      },
      {
        iss: 'https://kubernetes.default.svc.cluster.local',
        aud: ['custos', 'https://kubernetes.default.svc'],
      },
    );
    const grant = await verifyProvisionerJwt({ jwks: source(), clock }, kubernetes(), token);
    assert.deepEqual(grant, {
      name: 'k8s',
      kind: 'kubernetes',
      claims: {
        iss: 'https://kubernetes.default.svc.cluster.local',
        sub: 'system:serviceaccount:payments:api',
        aud: ['custos', 'https://kubernetes.default.svc'],
        namespace: 'payments',
        serviceAccount: 'api',
        pod: 'api-7d9f',
      },
      limits: { names: ['*.svc.cluster.local'] },
    });
    const bare = await sign(key, { sub: 'x' }, { iss: 'https://kubernetes.default.svc.cluster.local' });
    await assert.rejects(
      verifyProvisionerJwt({ jwks: source(), clock }, kubernetes(), bare),
      refused(/no kubernetes\.io claim/),
    );
  });

  it('refuses a wrong audience, a wrong issuer, an expired and a not-yet-valid token', async () => {
    const deps = { jwks: source(), clock };
    await assert.rejects(
      verifyProvisionerJwt(deps, oidc(), await sign(key, { sub: 'a' }, { aud: 'someone-else' })),
      refused(/aud claim/),
    );
    await assert.rejects(
      verifyProvisionerJwt(deps, oidc(), await sign(key, { sub: 'a' }, { iss: 'https://evil.test' })),
      refused(/iss claim/),
    );
    await assert.rejects(
      verifyProvisionerJwt(
        deps,
        oidc(),
        await sign(key, { sub: 'a' }, { exp: new Date(NOW.getTime() - 120_000), nbf: new Date(0) }),
      ),
      refused(/expired/),
    );
    await assert.rejects(
      verifyProvisionerJwt(
        deps,
        oidc(),
        await sign(
          key,
          { sub: 'a' },
          { nbf: new Date(NOW.getTime() + 3_600_000), exp: new Date(NOW.getTime() + 7_200_000) },
        ),
      ),
      refused(/nbf claim/),
    );
  });

  it('refuses a token signed by another key, even one claiming a served kid', async () => {
    const deps = { jwks: source(), clock };
    await assert.rejects(
      verifyProvisionerJwt(deps, oidc(), await sign(other, { sub: 'a' })),
      refused(/no key of the issuer's JWKS/),
    );
    const forged = await sign({ ...other, jwk: { ...other.jwk, kid: 'k1' } }, { sub: 'a' });
    await assert.rejects(
      verifyProvisionerJwt(deps, oidc(), forged),
      refused(/signature that does not verify/),
    );
  });

  it('refuses alg none and HS256 before looking at the keys', async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = { iss: 'https://issuer.test', aud: 'custos', sub: 'a', exp: seconds(NOW) + 600 };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    await assert.rejects(
      verifyProvisionerJwt({ jwks: source(), clock }, oidc(), none),
      refused(/alg none, which is not allowed/),
    );
    const hs = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(JSON.stringify(key.jwk)));
    await assert.rejects(
      verifyProvisionerJwt({ jwks: source(), clock }, oidc(), hs),
      refused(/alg HS256, which is not allowed/),
    );
    await assert.rejects(
      verifyProvisionerJwt({ jwks: source(), clock }, oidc(), 'not-a-jwt'),
      refused(/is not a JWT/),
    );
  });

  it('fetches again when a token names a key the cached set lacks (rotation), and caches otherwise', async () => {
    let at = 0;
    const jwks = createJwksSource({ timeoutMs: 2_000, readFile: readUserFile, now: () => at });
    const deps = { jwks, clock };
    served = [key.jwk];
    const before = requests;
    await verifyProvisionerJwt(deps, oidc(), await sign(key, { sub: 'a' }));
    await verifyProvisionerJwt(deps, oidc(), await sign(key, { sub: 'b' }));
    assert.equal(requests - before, 1, 'the second token used the cached set');
    const rotated = await aKey('k3', 'RS256');
    served = [key.jwk, rotated.jwk];
    // Within 30 s of the last fetch an unknown key does not send Custos to the issuer again.
    at = 10_000;
    await assert.rejects(
      verifyProvisionerJwt(deps, oidc(), await sign(rotated, { sub: 'c' })),
      refused(/no key/),
    );
    assert.equal(requests - before, 1);
    at = 31_000;
    const grant = await verifyProvisionerJwt(deps, oidc(), await sign(rotated, { sub: 'c' }));
    assert.equal(grant.claims.sub, 'c');
    assert.equal(requests - before, 2);
    served = [key.jwk];
  });

  it('reads a jwksFile, and maps OIDC claimsToNames to the names a token may ask for', async () => {
    const file = join(dir, 'jwks.json');
    await writeFile(file, JSON.stringify({ keys: [key.jwk] }));
    const provisioner = oidc({
      jwks: { file },
      claimsToNames: ['email', 'hosts'],
      limits: { names: ['*.corp.example', 'ci@corp.example'] },
    });
    const token = await sign(key, {
      sub: 'a',
      email: 'ci@corp.example',
      hosts: ['api.corp.example', 'api.other.example', '*.corp.example'],
    });
    const grant = await verifyProvisionerJwt({ jwks: source(), clock }, provisioner, token);
    assert.deepEqual(grant.limits?.names, ['ci@corp.example', 'api.corp.example']);
    const none = await sign(key, { sub: 'a', hosts: ['api.other.example'] });
    await assert.rejects(
      verifyProvisionerJwt({ jwks: source(), clock }, provisioner, none),
      refused(/carries no name in email, hosts/),
    );
  });

  it('says CUSTOS_JWKS_UNAVAILABLE when the issuer answers 404, too slowly, or not a JWK Set', async () => {
    const unavailable = (reason: RegExp) => (error: unknown) =>
      error instanceof DomainError && error.code === 'CUSTOS_JWKS_UNAVAILABLE' && reason.test(error.message);
    const jwks = createJwksSource({ timeoutMs: 300, readFile: readUserFile, now: () => Date.now() });
    const token = await sign(key, { sub: 'a' });
    await assert.rejects(
      verifyProvisionerJwt({ jwks, clock }, oidc({ jwks: { uri: `${base}/missing` } }), token),
      unavailable(/answered HTTP 404/),
    );
    await assert.rejects(
      verifyProvisionerJwt({ jwks, clock }, oidc({ jwks: { uri: `${base}/slow` } }), token),
      unavailable(/no answer within 300 ms/),
    );
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ keys: 'nope' }));
    await assert.rejects(
      verifyProvisionerJwt({ jwks, clock }, oidc({ jwks: { file: bad } }), token),
      unavailable(/not a JWK Set/),
    );
  });

  it('audits the decisions of authorizeIssuance with the provisioner and claims, never the JWT', async () => {
    const sqlite = DIALECTS.find((d) => d.name === 'sqlite');
    assert.ok(sqlite);
    const db = await sqlite.create();
    const store = await openStore(db.options);
    try {
      const deps = {
        store,
        clock,
        jwks: source(),
        actor: 'api:test',
        provisioners: withDefaultProvisioners([oidc(), kubernetes()]),
      };
      const token = await sign(key, { sub: 'repo:corp/payments' });
      const grant = await authorizeIssuance(deps, { kind: 'jwt', provisioner: 'ci', token });
      assert.equal(grant.claims.sub, 'repo:corp/payments');
      const wrong = await sign(key, { sub: 'x' }, { aud: 'other' });
      await assert.rejects(
        authorizeIssuance(deps, { kind: 'jwt', provisioner: 'ci', token: wrong }),
        refused(/aud/),
      );
      await assert.rejects(
        authorizeIssuance(deps, { kind: 'jwt', provisioner: 'bootstrap', token }),
        (error: unknown) => error instanceof DomainError && error.code === 'CUSTOS_PROVISIONER_NOT_FOUND',
      );
      const events = [];
      for await (const event of store.audit.records()) events.push(event);
      assert.deepEqual(
        events.map((e) => [e.type, e.data.provisioner, e.data.code ?? null]),
        [
          ['issuance.authorized', 'ci', null],
          ['issuance.refused', 'ci', 'CUSTOS_TOKEN_INVALID'],
          ['issuance.refused', 'bootstrap', 'CUSTOS_PROVISIONER_NOT_FOUND'],
        ],
      );
      assert.equal((events[0]!.data.claims as { sub: string }).sub, 'repo:corp/payments');
      const text = JSON.stringify(events);
      for (const jwt of [token, wrong])
        assert.ok(!text.includes(jwt.split('.')[2]!), 'no JWT signature in the audit');
    } finally {
      await store.close();
      await db.dispose();
    }
  });
});
