/**
 * The built-in CA's revocation endpoints against a real `custos serve`, checked by openssl as relying parties do:
 * a CA made by `custos ca init`; certificates signed by its key and recorded (and one revoked) through the store's
 * authority writer (`cert issue` / `cert revoke` are not on main yet); `openssl ocsp` over POST reports good, revoked
 * (time and reason) and unknown, with and without a nonce; the GET form answers the same with HTTP cache headers; a
 * revocation made while the server runs shows at once (the cache checks the revocation state); a malformed request
 * is malformedRequest, another CA's certificate unauthorized; `openssl crl -verify` accepts the CRL curl fetched.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Runtime } from '../../src/compose/runtime.js';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import { generateCrl } from '../../src/pki/x509/generate/crl.js';
import { issuerIdentity } from '../../src/pki/x509/generate/issuer-identity.js';
import { parseCertificate } from '../../src/pki/x509/lean-reader.js';
import { runCustos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { aServer, aRuntime, type ServerProcess } from '../support/server.js';
import { aSigner, toPem } from '../support/signers.js';

const run = promisify(execFile);
const HOUR = 3_600_000;
const REVOKED_AT = new Date('2026-11-30T08:15:00Z');

async function openssl(cwd: string, ...args: string[]): Promise<string> {
  try {
    const out = await run('openssl', args, { cwd });
    return out.stdout + out.stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}exit non-zero`;
  }
}

/** A leaf for `serial` signed by the CA's key, issued under its subject and key identifier. */
async function aLeaf(rt: Runtime, caName: string, serial: string, cn: string): Promise<Uint8Array> {
  const ca = await rt.store.authorities.get(caName);
  assert.ok(ca?.certificate);
  const issuer = issuerIdentity(ca.certificate);
  const now = rt.clock.now();
  return generateCertificate(
    {
      serialNumber: Buffer.from(serial, 'hex'),
      subject: [[{ type: 'CN', value: cn }]],
      issuer: issuer.subject,
      authorityKeyIdentifier: issuer.subjectKeyIdentifier,
      notBefore: new Date(now.getTime() - HOUR),
      notAfter: new Date(now.getTime() + 24 * HOUR),
      publicKeySpki: aSigner('P-256', `leaf-${serial}`).publicKeySpki,
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltNames: [{ dns: `${cn}.example` }],
    },
    await rt.keys.signer(ca.key),
  );
}

async function record(rt: Runtime, caName: string, der: Uint8Array): Promise<string> {
  const parsed = parseCertificate(der);
  await rt.store.transaction((tx) =>
    tx.authorities.recordIssued({
      fingerprintSha256: parsed.fingerprintSha256,
      authority: caName,
      serialNumber: parsed.serialNumber,
      der,
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
      identity: null,
      provisioner: 'test',
      issuedAt: rt.clock.now(),
    }),
  );
  return parsed.fingerprintSha256;
}

for (const dialect of DIALECTS)
  describe(
    `revocation endpoints of custos serve (${dialect.name})`,
    { skip: dialect.unavailable ?? false },
    () => {
      let dir: string;
      let dataDir: string;
      let database: TestDatabase;
      let state: string[];
      let server: ServerProcess;
      const runtime = () => aRuntime(dataDir, {}, database.options.databaseUrl);

      before(async () => {
        dir = await mkdtemp(join(tmpdir(), 'custos-revocation-'));
        dataDir = join(dir, 'data');
        database = await dialect.create();
        state = [
          '--data-dir',
          dataDir,
          ...(database.options.databaseUrl === undefined
            ? []
            : ['--database-url', database.options.databaseUrl]),
        ];
        const init = await runCustos([...state, 'ca', 'init', '--name', 'test-ca', '--json']);
        assert.equal(init.code, 0, init.stderr);
        const rt = await runtime();
        try {
          const ca = await rt.store.authorities.get('test-ca');
          assert.ok(ca?.certificate);
          await writeFile(join(dir, 'ca.pem'), toPem('CERTIFICATE', ca.certificate));
          await writeFile(join(dir, 'root.pem'), ca.chain.map((c) => toPem('CERTIFICATE', c)).join(''));
          const good = await aLeaf(rt, 'test-ca', '0a01', 'good');
          const revoked = await aLeaf(rt, 'test-ca', '0a02', 'revoked');
          const unknown = await aLeaf(rt, 'test-ca', '0a03', 'unknown');
          const later = await aLeaf(rt, 'test-ca', '0a04', 'later');
          for (const [name, der] of Object.entries({ good, revoked, unknown, later }))
            await writeFile(join(dir, `${name}.pem`), toPem('CERTIFICATE', der));
          await record(rt, 'test-ca', good);
          await record(rt, 'test-ca', later);
          const revokedFingerprint = await record(rt, 'test-ca', revoked);
          await rt.store.transaction((tx) =>
            tx.authorities.revoke(revokedFingerprint, {
              revokedAt: REVOKED_AT,
              reason: 'keyCompromise',
              invalidityDate: null,
            }),
          );
          const now = rt.clock.now();
          const crl = await generateCrl(
            {
              issuer: issuerIdentity(ca.certificate).subject,
              crlNumber: 1,
              thisUpdate: now,
              nextUpdate: new Date(now.getTime() + 24 * HOUR),
              revoked: [
                {
                  serialNumber: Buffer.from('0a02', 'hex'),
                  revocationDate: REVOKED_AT,
                  reason: 'keyCompromise',
                },
              ],
            },
            await rt.keys.signer(ca.key),
          );
          await rt.store.transaction((tx) =>
            tx.authorities.saveCrl({
              authority: 'test-ca',
              crlNumber: 1,
              thisUpdate: now,
              nextUpdate: new Date(now.getTime() + 24 * HOUR),
              der: crl,
            }),
          );
          // A certificate of another CA, which this responder must not answer for.
          const other = aSigner('P-256', 'other-ca');
          const otherCa = await generateCertificate(
            {
              serialNumber: new Uint8Array([7]),
              subject: [[{ type: 'CN', value: 'Other CA' }]],
              notBefore: new Date(now.getTime() - HOUR),
              notAfter: new Date(now.getTime() + 24 * HOUR),
              ca: {},
            },
            other,
          );
          const stranger = await generateCertificate(
            {
              serialNumber: Buffer.from('0a01', 'hex'),
              subject: [[{ type: 'CN', value: 'stranger' }]],
              issuer: issuerIdentity(otherCa).subject,
              notBefore: new Date(now.getTime() - HOUR),
              notAfter: new Date(now.getTime() + 24 * HOUR),
              publicKeySpki: aSigner('P-256', 'stranger').publicKeySpki,
            },
            other,
          );
          await writeFile(join(dir, 'other-ca.pem'), toPem('CERTIFICATE', otherCa));
          await writeFile(join(dir, 'stranger.pem'), toPem('CERTIFICATE', stranger));
        } finally {
          await rt.store.close();
        }
        server = await aServer(state);
      });

      after(async () => {
        const code = await server?.stop();
        assert.equal(code, 0, server?.output().stderr);
        await database?.dispose();
        await rm(dir, { recursive: true, force: true });
      });

      const ask = (leaf: string, ...extra: string[]) =>
        openssl(
          dir,
          'ocsp',
          '-issuer',
          'ca.pem',
          '-cert',
          leaf,
          '-url',
          `${server.url}/ocsp`,
          '-CAfile',
          'root.pem',
          ...extra,
        );

      for (const nonce of [true, false]) {
        test(`openssl ocsp ${nonce ? 'with a nonce' : '-no_nonce'}: good, revoked with time and reason, unknown`, async () => {
          const extra = nonce ? [] : ['-no_nonce'];
          const good = await ask('good.pem', ...extra);
          assert.match(good, /Response verify OK/);
          assert.match(good, /good\.pem: good/);
          if (nonce) assert.doesNotMatch(good, /WARNING: no nonce/);
          assert.match(good, /This Update: .*\n\s+Next Update: /);
          const revoked = await ask('revoked.pem', ...extra);
          assert.match(revoked, /Response verify OK/);
          assert.match(revoked, /revoked\.pem: revoked/);
          assert.match(revoked, /Reason: keyCompromise/);
          assert.match(revoked, /Revocation Time: Nov 30 08:15:00 2026 GMT/);
          const unknown = await ask('unknown.pem', ...extra);
          assert.match(unknown, /Response verify OK/);
          assert.match(unknown, /unknown\.pem: unknown/);
        });
      }

      test('without a nonce the signed response is cached; with one it is fresh and echoes it', async () => {
        await openssl(
          dir,
          'ocsp',
          '-issuer',
          'ca.pem',
          '-cert',
          'good.pem',
          '-no_nonce',
          '-reqout',
          'plain.req',
        );
        const body = await readFile(join(dir, 'plain.req'));
        const post = async (der: Buffer) => {
          const res = await fetch(`${server.url}/ocsp`, {
            method: 'POST',
            headers: { 'content-type': 'application/ocsp-request' },
            body: der,
          });
          assert.equal(res.status, 200);
          assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
          return Buffer.from(await res.arrayBuffer());
        };
        const first = await post(body);
        const second = await post(body);
        assert.ok(first.equals(second), 'the same signed bytes: not signed per request');
        await openssl(dir, 'ocsp', '-issuer', 'ca.pem', '-cert', 'good.pem', '-reqout', 'nonce.req');
        const withNonce = await readFile(join(dir, 'nonce.req'));
        const a = await post(withNonce);
        assert.ok(!a.equals(first));
        await writeFile(join(dir, 'nonce.resp'), a);
        const checked = await openssl(
          dir,
          'ocsp',
          '-reqin',
          'nonce.req',
          '-respin',
          'nonce.resp',
          '-verify_other',
          'ca.pem',
          '-CAfile',
          'root.pem',
        );
        assert.match(checked, /Response verify OK/);
        assert.doesNotMatch(checked, /nonce/i, 'the nonce of nonce.req is in the response');
        const other = await post(withNonce);
        assert.ok(!other.equals(a), 'signed afresh for each request with a nonce');
      });

      test('GET /ocsp/{base64} answers as POST does, with HTTP cache headers (RFC 5019)', async () => {
        await openssl(
          dir,
          'ocsp',
          '-issuer',
          'ca.pem',
          '-cert',
          'revoked.pem',
          '-no_nonce',
          '-reqout',
          'get.req',
        );
        const der = await readFile(join(dir, 'get.req'));
        for (const encoded of [encodeURIComponent(der.toString('base64')), der.toString('base64url')]) {
          const res = await fetch(`${server.url}/ocsp/${encoded}`);
          assert.equal(res.status, 200);
          assert.match(
            res.headers.get('cache-control') ?? '',
            /max-age=\d+, public, no-transform, must-revalidate/,
          );
          assert.ok(res.headers.get('last-modified') && res.headers.get('expires'));
          await writeFile(join(dir, 'get.resp'), Buffer.from(await res.arrayBuffer()));
          const out = await openssl(
            dir,
            'ocsp',
            '-respin',
            'get.resp',
            '-issuer',
            'ca.pem',
            '-cert',
            'revoked.pem',
            '-CAfile',
            'root.pem',
          );
          assert.match(out, /Response verify OK/);
          assert.match(out, /revoked\.pem: revoked/);
        }
      });

      test('a revocation made while the server runs shows at once, cached response or not', async () => {
        assert.match(await ask('later.pem', '-no_nonce'), /later\.pem: good/);
        const rt = await runtime();
        try {
          const fingerprint = parseCertificate(
            new Uint8Array(
              Buffer.from(
                (await readFile(join(dir, 'later.pem'), 'utf8')).replace(/-----[^-]+-----|\s/g, ''),
                'base64',
              ),
            ),
          ).fingerprintSha256;
          await rt.store.transaction((tx) =>
            tx.authorities.revoke(fingerprint, {
              revokedAt: new Date('2026-12-01T10:00:00Z'),
              reason: 'superseded',
              invalidityDate: null,
            }),
          );
        } finally {
          await rt.store.close();
        }
        const after = await ask('later.pem', '-no_nonce');
        assert.match(after, /later\.pem: revoked/);
        assert.match(after, /Reason: superseded/);
      });

      test('a malformed request is malformedRequest; another CA is unauthorized', async () => {
        const res = await fetch(`${server.url}/ocsp`, {
          method: 'POST',
          headers: { 'content-type': 'application/ocsp-request' },
          body: Buffer.from('not DER at all'),
        });
        assert.equal(res.status, 200);
        await writeFile(join(dir, 'bad.resp'), Buffer.from(await res.arrayBuffer()));
        assert.match(await openssl(dir, 'ocsp', '-respin', 'bad.resp', '-resp_text'), /malformedrequest/i);
        const get = await fetch(`${server.url}/ocsp/!!notbase64!!`);
        await writeFile(join(dir, 'bad-get.resp'), Buffer.from(await get.arrayBuffer()));
        assert.match(
          await openssl(dir, 'ocsp', '-respin', 'bad-get.resp', '-resp_text'),
          /malformedrequest/i,
        );
        const stranger = await openssl(
          dir,
          'ocsp',
          '-issuer',
          'other-ca.pem',
          '-cert',
          'stranger.pem',
          '-url',
          `${server.url}/ocsp`,
          '-no_nonce',
        );
        assert.match(stranger, /unauthorized/i);
      });

      test('curl of /crl/NAME.crl is the CRL that openssl crl -verify accepts; /ca/NAME.crt the CA certificate', async () => {
        await run('curl', ['-fsS', '-o', join(dir, 'ca.crl'), `${server.url}/crl/test-ca.crl`]);
        await writeFile(
          join(dir, 'chain.pem'),
          (await readFile(join(dir, 'ca.pem'), 'utf8')) + (await readFile(join(dir, 'root.pem'), 'utf8')),
        );
        const crl = await openssl(
          dir,
          'crl',
          '-inform',
          'DER',
          '-in',
          'ca.crl',
          '-CAfile',
          'chain.pem',
          '-verify',
          '-noout',
          '-text',
        );
        assert.match(crl, /verify OK/);
        assert.match(crl, /Serial Number: 0A02/);
        assert.match(crl, /Key Compromise/);
        const head = await run('curl', ['-fsSI', `${server.url}/crl/test-ca.crl`]);
        assert.match(head.stdout, /content-type: application\/pkix-crl/i);

        await run('curl', ['-fsS', '-o', join(dir, 'ca.crt'), `${server.url}/ca/test-ca.crt`]);
        const crt = await openssl(
          dir,
          'x509',
          '-inform',
          'DER',
          '-in',
          'ca.crt',
          '-noout',
          '-fingerprint',
          '-sha256',
        );
        const pem = await openssl(dir, 'x509', '-in', 'ca.pem', '-noout', '-fingerprint', '-sha256');
        assert.equal(crt, pem);

        const missing = await fetch(`${server.url}/crl/nope.crl`);
        assert.equal(missing.status, 404);
        assert.match(missing.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(((await missing.json()) as { code: string }).code, 'CUSTOS_CA_NOT_FOUND');
      });
    },
  );
