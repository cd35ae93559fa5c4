/**
 * The delegated OCSP responder (RFC 6960 §4.2.2.2, `ca.ocspSigner: delegated`, the default), checked as relying
 * parties check it: `openssl ocsp -issuer ca.pem -cert leaf.pem -url ... -CAfile root.pem` against a real
 * `custos serve` reports good, revoked (time and reason) and unknown with `Response verify OK`, the response signed
 * by a responder certificate the CA issued (id-kp-OCSPSigning, ocsp-nocheck) and carried in `certs`, which
 * `custos lint` passes and `openssl verify -purpose ocsphelper` accepts. In-process, with a clock moved on, the
 * responder certificate is renewed by the background refresh before it expires, and each one is recorded and audited.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { BasicOCSPResponse, OCSPResponse } from '@peculiar/asn1-ocsp';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Runtime } from '../../src/compose/runtime.js';
import { createOcspResponder } from '../../src/core/ca/ocsp-responder.js';
import { createOcspSigners } from '../../src/core/ca/ocsp-signer.js';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import { issuerIdentity } from '../../src/pki/x509/generate/issuer-identity.js';
import { parseCertificate } from '../../src/pki/x509/lean-reader.js';
import { runCustos } from '../support/cli.js';
import { aServer, aRuntime, type ServerProcess } from '../support/server.js';
import { aSigner, toPem } from '../support/signers.js';

const run = promisify(execFile);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function openssl(cwd: string, ...args: string[]): Promise<string> {
  try {
    const out = await run('openssl', args, { cwd });
    return out.stdout + out.stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}exit non-zero`;
  }
}

/** The certificates a DER OCSPResponse carries in its BasicOCSPResponse `certs`. */
function certsOf(der: Uint8Array): Uint8Array[] {
  const response = AsnConvert.parse(der, OCSPResponse);
  assert.equal(response.responseStatus, 0, 'successful');
  const basic = AsnConvert.parse(response.responseBytes!.response.buffer, BasicOCSPResponse);
  return (basic.certs ?? []).map((c) => new Uint8Array(AsnConvert.serialize(c)));
}

/** A PEM certificate file as DER. */
async function derOf(path: string): Promise<Uint8Array> {
  const pem = await readFile(path, 'utf8');
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
}

/** Writes ca.pem (the issuing CA) and root.pem (the chain above it) of CA `name`. */
async function writeCa(rt: Runtime, dir: string, name: string): Promise<Uint8Array> {
  const ca = await rt.store.authorities.get(name);
  assert.ok(ca?.certificate);
  await writeFile(join(dir, 'ca.pem'), toPem('CERTIFICATE', ca.certificate));
  await writeFile(join(dir, 'root.pem'), ca.chain.map((c) => toPem('CERTIFICATE', c)).join(''));
  return ca.certificate;
}

describe('delegated OCSP responder of custos serve', () => {
  let dir: string;
  let server: ServerProcess;
  let state: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-ocsp-delegated-'));
    state = ['--data-dir', join(dir, 'data')];
    assert.equal((await runCustos([...state, 'ca', 'init'])).code, 0);
    for (const name of ['good', 'revoked']) {
      const issued = await runCustos([
        ...state,
        ...['cert', 'issue', '--generate-key', 'ec-p256', '--dns', `${name}.example`],
        ...['--out-dir', join(dir, name)],
      ]);
      assert.equal(issued.code, 0, issued.stderr);
    }
    const revoked = parseCertificate(await derOf(join(dir, 'revoked', 'cert.pem')));
    const revoke = await runCustos([
      ...state,
      ...['cert', 'revoke', revoked.fingerprintSha256, '--reason', 'keyCompromise'],
    ]);
    assert.equal(revoke.code, 0, revoke.stderr);
    const rt = await aRuntime(join(dir, 'data'));
    try {
      const ca = await writeCa(rt, dir, 'default');
      const issuer = issuerIdentity(ca);
      const now = rt.clock.now();
      // Signed by the CA's key but never recorded: the responder does not know it.
      const unknown = await generateCertificate(
        {
          serialNumber: Buffer.from('7a01', 'hex'),
          subject: [[{ type: 'CN', value: 'unknown.example' }]],
          issuer: issuer.subject,
          authorityKeyIdentifier: issuer.subjectKeyIdentifier,
          notBefore: new Date(now.getTime() - HOUR),
          notAfter: new Date(now.getTime() + DAY),
          publicKeySpki: aSigner('P-256', 'unknown').publicKeySpki,
          subjectAltNames: [{ dns: 'unknown.example' }],
        },
        await rt.keys.signer((await rt.store.authorities.get('default'))!.key),
      );
      await writeFile(join(dir, 'unknown.pem'), toPem('CERTIFICATE', unknown));
    } finally {
      await rt.store.close();
    }
    server = await aServer(state);
  });

  after(async () => {
    const code = await server?.stop();
    assert.equal(code, 0, server?.output().stderr);
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

  test('openssl ocsp: good, revoked and unknown, Response verify OK with the delegated responder', async () => {
    const good = await ask('good/cert.pem', '-resp_text', '-respout', 'good.resp');
    assert.match(good, /Response verify OK/);
    assert.match(good, /good\/cert\.pem: good/);
    assert.match(good, /Subject: CN ?= ?Custos OCSP responder for default/);
    assert.match(good, /OCSP Signing/);
    assert.match(good, /OCSP No Check/);
    const revoked = await ask('revoked/cert.pem');
    assert.match(revoked, /Response verify OK/);
    assert.match(revoked, /revoked\/cert\.pem: revoked/);
    assert.match(revoked, /Reason: keyCompromise/);
    const unknown = await ask('unknown.pem', '-no_nonce');
    assert.match(unknown, /Response verify OK/);
    assert.match(unknown, /unknown\.pem: unknown/);

    // The responder's certificate, then the CA's, in `certs`; responderID byKey is the responder's key.
    const [responder, ca] = certsOf(await readFile(join(dir, 'good.resp')));
    assert.ok(responder && ca);
    assert.deepEqual(ca, await derOf(join(dir, 'ca.pem')));
    const ski = issuerIdentity(responder).subjectKeyIdentifier;
    assert.ok(ski);
    assert.match(
      good.replace(/:/g, '').toLowerCase(),
      new RegExp(`responder id ${Buffer.from(ski).toString('hex')}`),
    );
    await writeFile(join(dir, 'responder.pem'), toPem('CERTIFICATE', responder));
    const lint = await runCustos(['lint', join(dir, 'responder.pem'), '--json']);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    const verified = await openssl(
      dir,
      ...['verify', '-CAfile', 'root.pem', '-untrusted', 'ca.pem', '-purpose', 'ocsphelper', 'responder.pem'],
    );
    assert.match(verified, /responder\.pem: OK/);
  });
});

describe('delegated OCSP responder renewal', () => {
  let dir: string;
  let rt: Runtime;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-ocsp-renew-'));
    assert.equal((await runCustos(['--data-dir', dir, 'ca', 'init', '--name', 'r-ca'])).code, 0);
    rt = await aRuntime(dir);
  });
  after(async () => {
    await rt.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the background refresh renews the responder certificate past 2/3 of its 7 days; each is recorded', async () => {
    const ca = await writeCa(rt, dir, 'r-ca');
    let nowMs = Date.now();
    const clock = { now: () => new Date(nowMs) };
    const responder = createOcspResponder(
      {
        authorities: rt.store.authorities,
        keys: rt.keys,
        clock,
        delegated: createOcspSigners({ ...rt, clock }),
      },
      { validityMs: HOUR },
    );
    await openssl(dir, 'ocsp', '-issuer', 'ca.pem', '-serial', '0x0b01', '-no_nonce', '-reqout', 'q.req');
    const request = await readFile(join(dir, 'q.req'));
    const [first] = certsOf((await responder.respond(request)).der);
    assert.ok(first);
    assert.equal(parseCertificate(first).notAfter.getTime(), Math.floor((nowMs + 7 * DAY) / 1000) * 1000);

    nowMs += DAY;
    await responder.refresh();
    assert.deepEqual(
      certsOf((await responder.respond(request)).der)[0],
      first,
      'kept within 2/3 of its life',
    );

    nowMs += 4 * DAY; // 5 days: past 2/3 of 7
    await responder.refresh();
    const answer = await responder.respond(request);
    const [second, carried] = certsOf(answer.der);
    assert.ok(second);
    assert.notDeepEqual(second, first);
    assert.deepEqual(carried, ca);
    const renewed = parseCertificate(second);
    assert.ok(renewed.notAfter.getTime() > parseCertificate(first).notAfter.getTime());
    await writeFile(join(dir, 'renewed.resp'), answer.der);
    assert.match(
      await openssl(
        dir,
        ...['ocsp', '-respin', 'renewed.resp', '-issuer', 'ca.pem', '-CAfile', 'root.pem'],
        ...['-attime', String(Math.floor(nowMs / 1000))],
      ),
      /Response verify OK/,
    );

    for (const der of [first, second]) {
      const { fingerprintSha256 } = parseCertificate(der);
      const issued = await rt.store.authorities.issued({ fingerprintSha256 });
      assert.equal(issued?.authority, 'r-ca');
      const audit = await rt.store.audit.query({
        type: 'ca.ocsp-signer.issued',
        subject: fingerprintSha256,
        limit: 5,
      });
      assert.equal(audit.length, 1);
    }
  });
});
