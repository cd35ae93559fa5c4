/**
 * bench/renew: many managed certificates due at once, each issued, deployed to files and verified against a local
 * TLS endpoint: the time until all are Ready, and certificates per second — first issuance, then a forced renewal
 * of all of them.
 *
 *   npx tsx bench/renew.ts [--certs 1000] [--concurrency 8]
 *   node dist/bench/renew.js
 *
 * One node:tls server on 127.0.0.1 answers every name (`cN.bench.test`) with the files deployed for it, read at
 * each handshake (so no reload command is needed); the issuer is the test CA of test/support (P-256, in process);
 * the store is SQLite in a temp dir. Every step is recorded in its own transaction with its audit events, as in
 * production. Figures on a shared machine vary with its load (printed first).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { createSecureContext, createServer, type SecureContext } from 'node:tls';
import { parseArgs } from 'node:util';
import { nodeLeafKeyGenerator } from '../src/connectors/crypto/leaf-key-generator.js';
import {
  buildBundleDestinationRegistry,
  buildDestinationRegistry,
} from '../src/connectors/destination-registry.js';
import { createTlsProber } from '../src/connectors/scanner-tls/tls-prober.js';
import { systemClock } from '../src/connectors/system/system-clock.js';
import { systemRandom } from '../src/connectors/system/system-random.js';
import { applyManifests } from '../src/core/declarative/apply-manifests.js';
import type { ManagedDependencies } from '../src/core/managed/managed-dependencies.js';
import { runReconciler } from '../src/core/managed/managed-jobs.js';
import { requestRenewal } from '../src/core/managed/request-renewal.js';
import { auditKeyring } from '../src/store/keys/audit-keyring.js';
import { openStore } from '../src/store/open-store.js';
import { aCertificate, withDnsNames } from '../test/support/certificates.js';
import { aTestIssuer } from '../test/support/test-issuer.js';

const { values } = parseArgs({
  options: { certs: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '8' } },
});
const certs = Number(values.certs);
const concurrency = Number(values.concurrency);

const dir = await mkdtemp(join(tmpdir(), 'custos-bench-renew-'));
const placeholder = await aCertificate(withDnsNames('placeholder.bench.test'));
const fallback = createSecureContext({ key: placeholder.privateKeyPem, cert: placeholder.pem });
const server = createServer({
  key: placeholder.privateKeyPem,
  cert: placeholder.pem,
  SNICallback: (name, done) => {
    const id = /^(c\d+)\.bench\.test$/.exec(name)?.[1];
    let context: SecureContext = fallback;
    if (id !== undefined) {
      try {
        context = createSecureContext({
          key: readFileSync(join(dir, id, 'key.pem')),
          cert: readFileSync(join(dir, id, 'fullchain.pem')),
        });
      } catch {
        // Not deployed yet: the placeholder.
      }
    }
    done(null, context);
  },
});
server.on('tlsClientError', () => undefined);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;

const auditKeys = auditKeyring(randomBytes(32));
const store = await openStore({ dataDir: dir, auditKeys });
const issuer = await aTestIssuer();
const deps: ManagedDependencies = {
  store,
  clock: systemClock,
  random: systemRandom,
  sleep: (ms) => wait(ms),
  issuers: new Map([['default', issuer]]),
  bundleDestinations: buildBundleDestinationRegistry({
    env: {},
    commandEnvironment: {},
    now: () => new Date(),
  }),
  destinations: buildDestinationRegistry({ env: {}, commandEnvironment: {}, now: () => new Date() }),
  prober: createTlsProber({ timeoutMs: 5_000 }),
  keys: nodeLeafKeyGenerator,
  secrets: auditKeys.secrets,
  actor: 'bench',
};

const documents: string[] = [];
for (let i = 0; i < certs; i += 1) {
  const sub = join(dir, `c${i}`);
  await mkdir(sub);
  documents.push(`apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: c${i}}
spec:
  dnsNames: [c${i}.bench.test]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(sub, 'cert.pem')}, fullchain: ${join(sub, 'fullchain.pem')}, privateKey: ${join(sub, 'key.pem')}}
  verify:
    - {host: 127.0.0.1, port: ${port}, sni: c${i}.bench.test}
`);
}
await applyManifests(
  { store, clock: systemClock },
  { text: documents.join('---\n'), fileName: 'bench.yaml', actor: 'bench' },
);

console.log(
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${certs} managed certificates, ${concurrency} at once`,
);

async function allReady(label: string): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runReconciler(deps, {
    worker: 'bench',
    concurrency,
    reconcile: { verify: { tries: 3, pauseMs: 100 } },
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const statuses = await store.managed.statuses();
  const ready = statuses.filter((s) =>
    s.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
  console.log(
    `${label}: ${ready}/${certs} Ready in ${(ms / 1000).toFixed(1)} s, ${((ready / ms) * 1000).toFixed(1)} certificates/s, ` +
      `CPU ${((used.user + used.system) / 1000 / ready).toFixed(1)} ms per certificate (this process)`,
  );
}

await allReady('first issuance');
for (let i = 0; i < certs; i += 1) await requestRenewal(deps, `c${i}`);
await allReady('forced renewal');

await store.close();
await new Promise((resolve) => server.close(resolve));
await rm(dir, { recursive: true, force: true });
