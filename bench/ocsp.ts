/**
 * bench/ocsp: OCSP responses per second of the built-in CA's responder (issue 11 aim: at least 20,000/s from the
 * cache, in-process), over a real SQLite store with a CA made by `custos ca init` and 1,000 issued certificates
 * (every tenth revoked).
 *
 *   npm run bench -- ocsp          (node dist/bench/ocsp.js [--requests 50000] [--http 20000])
 *
 * Printed, on this machine in the same run:
 *   - the raw signing rate of the CA key (what answering without a cache would cost at best);
 *   - in-process, nonce-less requests over the 1,000 serials: first pass (signs each once), then from the cache
 *     (each request still reads its certificate's revocation state from the store);
 *   - in-process, requests with a nonce (signed each time);
 *   - over HTTP (POST /ocsp on 127.0.0.1, 16 concurrent clients), from the cache.
 * Not here yet: `openssl ocsp -index -port` answering for the same CA (its key is sealed in the store).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { composeDependencies, openRuntime } from '../src/compose/runtime.js';
import { createOcspResponder } from '../src/core/ca/ocsp-responder.js';
import { buildApp } from '../src/server/build-app.js';
import { generateCertificate } from '../src/pki/x509/generate/certificate.js';
import { issuerIdentity } from '../src/pki/x509/generate/issuer-identity.js';
import { parseCertificate } from '../src/pki/x509/lean-reader.js';
import { ocspRequest } from './support/ocsp-request.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '50000' }, http: { type: 'string', default: '20000' } },
});
const REQUESTS = Number(values.requests);
const HTTP_REQUESTS = Number(values.http);
const CERTIFICATES = 1000;
const HOUR = 3_600_000;

const dir = await mkdtemp(join(tmpdir(), 'custos-bench-ocsp-'));
execFileSync(process.execPath, [resolve('bin/custos'), '--data-dir', dir, 'ca', 'init', '--name', 'bench'], {
  env: { PATH: process.env.PATH ?? '' },
});
const rt = await openRuntime(
  await composeDependencies({
    surface: 'server',
    flags: [
      { key: 'dataDir', flag: '--data-dir', value: dir },
      { key: 'logLevel', flag: '--log-level', value: 'silent' },
    ],
    env: {},
    cwd: dir,
  }),
);
const ca = (await rt.store.authorities.get('bench'))!;
const signer = await rt.keys.signer(ca.key);
const issuer = issuerIdentity(ca.certificate!);
const now = rt.clock.now();
const leafKey = signer.publicKeySpki;

const serials: Uint8Array[] = [];
await rt.store.transaction(async (tx) => {
  for (let i = 0; i < CERTIFICATES; i++) {
    const serial = Buffer.from(`7e${(i + 1).toString(16).padStart(6, '0')}`, 'hex');
    serials.push(serial);
    const der = await generateCertificate(
      {
        serialNumber: serial,
        subject: [[{ type: 'CN', value: `svc-${i}` }]],
        issuer: issuer.subject,
        authorityKeyIdentifier: issuer.subjectKeyIdentifier,
        notBefore: now,
        notAfter: new Date(now.getTime() + 24 * HOUR),
        publicKeySpki: leafKey,
        subjectAltNames: [{ dns: `svc-${i}.example` }],
      },
      signer,
    );
    const parsed = parseCertificate(der);
    await tx.authorities.recordIssued({
      fingerprintSha256: parsed.fingerprintSha256,
      authority: 'bench',
      serialNumber: parsed.serialNumber,
      der,
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
      identity: null,
      provisioner: 'bench',
      issuedAt: now,
    });
    if (i % 10 === 0)
      await tx.authorities.revoke(parsed.fingerprintSha256, {
        revokedAt: now,
        reason: 'keyCompromise',
        invalidityDate: null,
      });
  }
});

const plain = serials.map((s) => ocspRequest(issuer, s));
const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en')}/s`;

const tbs = new Uint8Array(300).fill(1);
let t = performance.now();
for (let i = 0; i < 2000; i++) await signer.sign(tbs);
console.log(`CA key (${signer.algorithm}) raw signing:               ${rate(2000, performance.now() - t)}`);

const responder = createOcspResponder({ authorities: rt.store.authorities, keys: rt.keys, clock: rt.clock });
t = performance.now();
for (const der of plain) await responder.respond(der);
console.log(
  `in-process, first pass (signs each of ${CERTIFICATES}):    ${rate(CERTIFICATES, performance.now() - t)}`,
);
t = performance.now();
for (let i = 0; i < REQUESTS; i++) await responder.respond(plain[i % CERTIFICATES]!);
console.log(`in-process, from the cache (${REQUESTS} requests):   ${rate(REQUESTS, performance.now() - t)}`);
const nonced = serials.slice(0, 100).map((s, i) => ocspRequest(issuer, s, new Uint8Array(16).fill(i)));
t = performance.now();
for (let i = 0; i < 2000; i++) await responder.respond(nonced[i % 100]!);
console.log(`in-process, with a nonce (signed each time):    ${rate(2000, performance.now() - t)}`);

const app = await buildApp({ ...rt, logger: rt.logger.child({}, { level: 'silent' }) });
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
const url = `http://127.0.0.1:${port}/ocsp`;
let next = 0;
const client = async () => {
  while (next < HTTP_REQUESTS) {
    const der = plain[next++ % CERTIFICATES]!;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: der,
    });
    await res.arrayBuffer();
  }
};
for (const der of plain)
  await fetch(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: der });
t = performance.now();
await Promise.all(Array.from({ length: 16 }, client));
console.log(`HTTP POST /ocsp, 16 clients, from the cache:    ${rate(HTTP_REQUESTS, performance.now() - t)}`);
await app.close();
await rt.store.close();
await rm(dir, { recursive: true, force: true });
