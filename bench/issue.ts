/**
 * bench/issue: in-process issuance by the built-in CA (src/core/ca/issue-certificate.ts), P-256 leaves from CSRs,
 * each checked, assembled, signed, linted, and persisted with its CA record, inventory entry, evaluation and audit
 * events in one SQLite transaction (the CA and the policies through the configuration cache every Runtime carries).
 * Printed on one core beside the raw crypto.sign P-256 rate of the same run, and
 * beside the same pipeline without persistence (checks, assemble, sign, lint).
 *
 * The persisted figure is printed twice: one issuance at a time (a transaction each), and --in-flight at once
 * through the group-committing batcher (src/core/ca/issuance-batcher.ts), as the API issues.
 *
 *   npm run bench -- issue          (node dist/bench/issue.js [--count 2000] [--in-flight 64])
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildKeyManager } from '../src/compose/key-manager.js';
import { nodeSigner } from '../src/connectors/crypto/node-signer.js';
import { softwareKeyBackend } from '../src/connectors/keys-software/software-key-backend.js';
import { systemSecureRandom } from '../src/connectors/system/system-secure-random.js';
import { leafParameters, publicationUrls, DEFAULT_TTL_MS } from '../src/core/ca/certificate-profile.js';
import { checkIssuance } from '../src/core/ca/check-issuance.js';
import { issuanceBatcher } from '../src/core/ca/issuance-batcher.js';
import { nextTurn } from '../src/connectors/system/next-turn.js';
import { issuanceConfigurationCache } from '../src/core/ca/issuance-configuration.js';
import { initAuthority } from '../src/core/ca/init-authority.js';
import { issueCertificate, type IssueDependencies } from '../src/core/ca/issue-certificate.js';
import type { IssuanceRequest } from '../src/core/ca/issuance-request.js';
import { newSerialNumber } from '../src/core/ca/serial-number.js';
import { runLints } from '../src/pki/lint/run-lints.js';
import { readPathCertificate } from '../src/pki/path/path-certificate.js';
import { generateCertificate } from '../src/pki/x509/generate/certificate.js';
import { readCsr } from '../src/pki/x509/generate/csr-reader.js';
import { generateCsr } from '../src/pki/x509/generate/csr.js';
import { auditKeyring } from '../src/store/keys/audit-keyring.js';
import { openStore } from '../src/store/open-store.js';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '2000' }, 'in-flight': { type: 'string', default: '64' } },
});
const COUNT = Number(values.count);
const IN_FLIGHT = Number(values['in-flight']);
const WARM_UP = 1000;

const dataDir = await mkdtemp(join(tmpdir(), 'custos-bench-issue-'));
const store = await openStore({ dataDir, auditKeys: auditKeyring(randomBytes(32)) });
const kek = randomBytes(32);
const deps: IssueDependencies = {
  store,
  keys: buildKeyManager({ software: softwareKeyBackend({ loadKek: () => Promise.resolve(kek) }) }),
  clock: { now: () => new Date() },
  secureRandom: systemSecureRandom,
  actor: 'bench',
  baseUrl: 'http://127.0.0.1:8700',
  // As every Runtime (the CLI, the server): the CA and policies read again only when the store's revision moved.
  issuanceConfiguration: issuanceConfigurationCache(store),
};
await initAuthority(deps, {
  name: 'default',
  keyType: 'ec-p256',
  where: { backend: 'software' },
  rootTtlMs: 10 * 365 * 86_400_000,
  intermediateTtlMs: 5 * 365 * 86_400_000,
});

// 64 CSRs of their own keys, read once each (as a server reads the request body), reused round robin.
const requests: IssuanceRequest[] = [];
for (let i = 0; i < 64; i++) {
  const signer = nodeSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const csr = readCsr(
    await generateCsr({ subject: [[{ type: 'CN', value: `svc-${i}.corp.example` }]] }, signer),
  );
  requests.push({
    authority: 'default',
    csr,
    publicKeySpki: csr.publicKeySpki,
    commonName: `svc-${i}.corp.example`,
    dnsNames: [`svc-${i}.corp.example`],
    ipAddresses: [],
    uris: [],
    ttlMs: null,
    identity: null,
    provisioner: { name: 'cli', kind: 'cli', claims: {} },
  });
}

const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString('en');
// CPU time of this process (all its threads: the garbage collector's too) per operation: on the shared, loaded
// machine the wall-clock rates swing with the load, the CPU time per operation far less.
let cpuStarted = process.cpuUsage();
const cpuEach = (n: number) => {
  const used = process.cpuUsage(cpuStarted);
  return Math.round((used.user + used.system) / n);
};

// Raw P-256 signing over a TBS-sized input: the ceiling.
const rawKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const tbs = randomBytes(450);
let started = performance.now();
cpuStarted = process.cpuUsage();
for (let i = 0; i < COUNT * 4; i++) sign('sha256', tbs, rawKey);
const raw = rate(COUNT * 4, performance.now() - started);
const rawCpu = cpuEach(COUNT * 4);

// Without persistence: checks, assemble, sign, lint.
const authority = (await store.authorities.get('default'))!;
const caCertificate = readPathCertificate(authority.certificate!);
const caSigner = await deps.keys.signer(authority.key);
const urls = publicationUrls(deps.baseUrl, 'default');
const issueInMemory = async (i: number): Promise<void> => {
  const request = requests[i % requests.length]!;
  const now = new Date();
  checkIssuance(request, { authority, caCertificate, now, defaultTtlMs: DEFAULT_TTL_MS, policies: [] });
  const der = await generateCertificate(
    leafParameters({ request, caCertificate, serialNumber: newSerialNumber(systemSecureRandom), now, urls }),
    caSigner,
  );
  runLints(readPathCertificate(der), { issuer: caCertificate });
};
// Warm-up, untimed: the raw rate is a native call from the first signature on, while the pipeline's JavaScript runs
// interpreted until V8 has compiled it (the first 4,000 issuances of a run were ~20% slower than the next 20,000).
for (let i = 0; i < WARM_UP; i++) await issueInMemory(i);
started = performance.now();
cpuStarted = process.cpuUsage();
for (let i = 0; i < COUNT * 2; i++) await issueInMemory(i);
const inMemory = rate(COUNT * 2, performance.now() - started);
const inMemoryCpu = cpuEach(COUNT * 2);

// The whole use case, persisted in SQLite: one at a time (a transaction each), then IN_FLIGHT at a time through the
// group-committing batcher (issuances arriving while a transaction is written join the next one).
for (let i = 0; i < WARM_UP / 10; i++) await issueCertificate(deps, requests[i % requests.length]!);
started = performance.now();
cpuStarted = process.cpuUsage();
for (let i = 0; i < COUNT; i++) await issueCertificate(deps, requests[i % requests.length]!);
const persistedOne = rate(COUNT, performance.now() - started);
const persistedOneCpu = cpuEach(COUNT);

const batched: IssueDependencies = { ...deps, issuances: issuanceBatcher(store, { gather: nextTurn }) };
for (let i = 0; i < WARM_UP / 10; i++) await issueCertificate(batched, requests[i % requests.length]!);
let next = 0;
const worker = async () => {
  while (next < COUNT * 2) await issueCertificate(batched, requests[next++ % requests.length]!);
};
started = performance.now();
cpuStarted = process.cpuUsage();
await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
const persistedBatched = rate(COUNT * 2, performance.now() - started);
const persistedBatchedCpu = cpuEach(COUNT * 2);

const rawRate = Number(raw.replace(/,/g, ''));
const share = (figure: string) => `${Math.round((100 * Number(figure.replace(/,/g, ''))) / rawRate)}% of raw`;
const cpu = (us: number) => `${us} µs CPU each, ${Math.round((100 * rawCpu) / us)}% of raw by CPU`;
console.log(`raw crypto.sign P-256:                                    ${raw}/s  (${rawCpu} µs CPU each)`);
console.log(
  `issue, checked + signed + linted (no store):              ${inMemory}/s  (${share(inMemory)}; aim >= 25%; ${cpu(inMemoryCpu)})`,
);
console.log(
  `issue, persisted in SQLite, 1 in flight:                  ${persistedOne}/s  (a transaction each; ${COUNT} certificates; ${cpu(persistedOneCpu)})`,
);
console.log(
  `issue, persisted in SQLite, ${IN_FLIGHT} in flight (group commit): ${persistedBatched}/s  (aim >= 3,000/s; ${COUNT * 2} certificates; ${cpu(persistedBatchedCpu)})`,
);
console.log(
  `(each figure after an untimed warm-up; persisted: CA record, inventory entry, evaluation, audit events; load average ${loadavg()[0]!.toFixed(1)})`,
);
await store.close();
await rm(dataDir, { recursive: true, force: true });
