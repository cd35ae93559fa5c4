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
 *     (each request still reads its certificate's revocation state from the store), with the CPU time per answer;
 *   - in-process, requests with a nonce (signed each time);
 *   - over HTTP (POST /ocsp on 127.0.0.1, 16 concurrent clients), from the cache.
 *   - `openssl ocsp -index index.txt -port N -rsigner -rkey -CA` answering for the same CA and serials over HTTP
 *     (the same 16 clients), signed by an OCSP responder certificate that CA issued to a key written for it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { composeDependencies, openRuntime } from '../src/compose/runtime.js';
import { createOcspResponder } from '../src/core/ca/ocsp-responder.js';
import { buildApp } from '../src/server/build-app.js';
import { generateCertificate } from '../src/pki/x509/generate/certificate.js';
import { issuerIdentity } from '../src/pki/x509/generate/issuer-identity.js';
import { parseCertificate } from '../src/pki/x509/lean-reader.js';
import { ocspNoCheckExtension } from '../src/pki/x509/extensions/ocsp-nocheck.js';
import { pemBlock } from '../src/pki/formats/pem-writer.js';
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
const cpu = process.cpuUsage();
for (let i = 0; i < REQUESTS; i++) await responder.respond(plain[i % CERTIFICATES]!);
const used = process.cpuUsage(cpu);
// The CPU time per answer as well: on the shared, loaded machine the wall-clock rate follows the load.
const cpuEach = (used.user + used.system) / REQUESTS;
console.log(
  `in-process, from the cache (${REQUESTS} requests):   ${rate(REQUESTS, performance.now() - t)}  (${cpuEach.toFixed(0)} µs CPU each: ${Math.round(1e6 / cpuEach).toLocaleString('en')}/s of CPU time)`,
);
const nonced = serials.slice(0, 100).map((s, i) => ocspRequest(issuer, s, new Uint8Array(16).fill(i)));
t = performance.now();
for (let i = 0; i < 2000; i++) await responder.respond(nonced[i % 100]!);
console.log(`in-process, with a nonce (signed each time):    ${rate(2000, performance.now() - t)}`);

/** HTTP_REQUESTS POSTs of the plain requests to `url` from 16 clients, after one warm-up pass. */
async function postRate(url: string): Promise<string> {
  let next = 0;
  const post = (der: Uint8Array) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: der }).then(
      (res) => res.arrayBuffer(),
    );
  for (const der of plain) await post(der);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < HTTP_REQUESTS) await post(plain[next++ % CERTIFICATES]!);
    }),
  );
  return rate(HTTP_REQUESTS, performance.now() - started);
}

const app = await buildApp({ ...rt, logger: rt.logger.child({}, { level: 'silent' }) });
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
const url = `http://127.0.0.1:${port}/ocsp`;
console.log(`HTTP POST /ocsp, 16 clients, from the cache:    ${await postRate(url)}`);
await app.close();

// openssl ocsp as the responder for the same CA: an index of the same serials, a responder certificate from the CA.
const responderKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const responderCert = await generateCertificate(
  {
    serialNumber: Buffer.from('7f000001', 'hex'),
    subject: [[{ type: 'CN', value: 'openssl OCSP responder' }]],
    issuer: issuer.subject,
    authorityKeyIdentifier: issuer.subjectKeyIdentifier,
    notBefore: now,
    notAfter: new Date(now.getTime() + 24 * HOUR),
    publicKeySpki: new Uint8Array(responderKey.publicKey.export({ type: 'spki', format: 'der' })),
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['OCSPSigning'],
    extensions: [ocspNoCheckExtension()],
  },
  signer,
);
const asn1Time = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;
const notAfter = asn1Time(new Date(now.getTime() + 24 * HOUR));
const index = serials.map((serial, i) => {
  const hex = Buffer.from(serial).toString('hex').toUpperCase();
  return i % 10 === 0
    ? `R\t${notAfter}\t${asn1Time(now)},keyCompromise\t${hex}\tunknown\t/CN=svc-${i}\n`
    : `V\t${notAfter}\t\t${hex}\tunknown\t/CN=svc-${i}\n`;
});
await writeFile(join(dir, 'index.txt'), index.join(''));
await writeFile(join(dir, 'ca.pem'), pemBlock('CERTIFICATE', ca.certificate!));
await writeFile(join(dir, 'rsigner.pem'), pemBlock('CERTIFICATE', responderCert));
await writeFile(join(dir, 'rkey.pem'), responderKey.privateKey.export({ type: 'pkcs8', format: 'pem' }));
const free = createServer();
await new Promise<void>((done) => free.listen(0, '127.0.0.1', done));
const opensslPort = (free.address() as { port: number }).port;
await new Promise<void>((done) => free.close(() => done()));
const openssl = spawn(
  'openssl',
  [
    'ocsp',
    '-index',
    'index.txt',
    '-port',
    String(opensslPort),
    '-rsigner',
    'rsigner.pem',
    '-rkey',
    'rkey.pem',
  ].concat(['-CA', 'ca.pem', '-nmin', '60', '-ignore_err']),
  { cwd: dir, stdio: 'ignore' },
);
await new Promise((done) => setTimeout(done, 500));
try {
  console.log(
    `openssl ocsp -index -port, 16 clients:         ${await postRate(`http://127.0.0.1:${opensslPort}/`)}`,
  );
} finally {
  openssl.kill();
}
await rt.store.close();
await rm(dir, { recursive: true, force: true });
