/**
 * The closed loop end to end, in process, on every store dialect: a ManagedCertificate applied as YAML, issued by
 * a real (test) CA, deployed to real files, a reload command that makes a real node:tls server load them, and the
 * scanner's prober verifying what each endpoint serves. A second endpoint that is never reloaded leaves the
 * certificate DeployedPartially, naming it. A crash between issuing and recording finishes with one revision.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { setTimeout as wait } from 'node:timers/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { nodeLeafKeyGenerator } from '../../src/connectors/crypto/leaf-key-generator.js';
import {
  buildBundleDestinationRegistry,
  buildDestinationRegistry,
} from '../../src/connectors/destination-registry.js';
import { createTlsProber } from '../../src/connectors/scanner-tls/tls-prober.js';
import { systemRandom } from '../../src/connectors/system/system-random.js';
import { applyManifests } from '../../src/core/declarative/apply-manifests.js';
import type { ManagedDependencies } from '../../src/core/managed/managed-dependencies.js';
import { managedStatusView } from '../../src/core/managed/managed-view.js';
import { RECONCILE_JOB, runReconciler, scheduleDue } from '../../src/core/managed/managed-jobs.js';
import { reconcileManaged } from '../../src/core/managed/reconcile-managed.js';
import { rollbackManaged } from '../../src/core/managed/rollback-managed.js';
import { deployRevision } from '../../src/core/managed/steps/deploy-revision.js';
import { managedSpec } from '../../src/core/managed/load-managed.js';
import { requestRenewal } from '../../src/core/managed/request-renewal.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { aCertificate, withDnsNames, withSubject } from '../support/certificates.js';
import { aTestIssuer, type TestIssuer } from '../support/test-issuer.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { listen, type Running } from '../scan-tls/servers.js';

/** A TLS server that serves a placeholder until told to load the deployed files (as `nginx -s reload` does). */
interface Endpoint {
  server: TlsServer;
  running: Running;
  reloads: number;
}

async function anEndpoint(placeholder: { key: string; cert: string }): Promise<Endpoint> {
  const server = createTlsServer(placeholder, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  return { server, running: await listen(server), reloads: 0 };
}

async function reloadFrom(endpoint: Endpoint, dir: string): Promise<void> {
  endpoint.server.setSecureContext({
    key: await readFile(join(dir, 'web.key')),
    cert: await readFile(join(dir, 'fullchain.pem')),
  });
  endpoint.reloads += 1;
}

/** A loopback control port: GET /reload makes endpoint A load its files; the reload command calls it. */
async function aControl(onReload: () => Promise<void>): Promise<{ server: HttpServer; port: number }> {
  const server = createHttpServer((_req, res) => {
    onReload().then(
      () => res.writeHead(200).end('reloaded\n'),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

const reloadCommand = (port: number): string[] => [
  process.execPath,
  '-e',
  `require('http').get('http://127.0.0.1:${port}/reload', (r) => { r.pipe(process.stdout); r.on('end', () => process.exit(r.statusCode === 200 ? 0 : 1)); }).on('error', (e) => { console.error(e.message); process.exit(2); });`,
];

function manifest(dir: string, controlPort: number, endpoints: Array<{ port: number }>): string {
  return `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: web}
spec:
  commonName: web.test
  dnsNames: [web.test]
  duration: 24h
  renewBefore: 8h
  issuerRef: {name: default}
  privateKey: {algorithm: ECDSA, size: 256, rotationPolicy: Always}
  destinations:
    - file:
        certificate: ${join(dir, 'web.crt')}
        chain: ${join(dir, 'chain.pem')}
        fullchain: ${join(dir, 'fullchain.pem')}
        privateKey: ${join(dir, 'web.key')}
        reload: {command: ${JSON.stringify(reloadCommand(controlPort))}, timeout: 10s}
  verify:
${endpoints.map((e) => `    - {host: 127.0.0.1, port: ${e.port}, sni: web.test}`).join('\n')}
`;
}

/** A clock the test moves on (to pass a retry's backoff); it starts at the real time, as the TLS peers see it. */
function aClock() {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms: number) => void (offset += ms) };
}

for (const dialect of DIALECTS) {
  describe(`The closed loop on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let dir: string;
    let issuer: TestIssuer;
    let a: Endpoint;
    let b: Endpoint;
    let control: { server: HttpServer; port: number };
    let clock: ReturnType<typeof aClock>;
    let deps: ManagedDependencies;
    let placeholderFingerprint: string;

    before(async () => {
      const placeholder = await aCertificate(withSubject('CN=placeholder'), withDnsNames('web.test'));
      placeholderFingerprint = placeholder.fingerprintSha256;
      a = await anEndpoint({ key: placeholder.privateKeyPem, cert: placeholder.pem });
      b = await anEndpoint({ key: placeholder.privateKeyPem, cert: placeholder.pem });
      control = await aControl(() => reloadFrom(a, dir));
    });
    after(async () => {
      await a.running.close();
      await b.running.close();
      await new Promise((resolve) => control.server.close(resolve));
    });
    beforeEach(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
      dir = await mkdtemp(join(tmpdir(), 'custos-closed-loop-'));
      await mkdir(dir, { recursive: true });
      clock = aClock();
      issuer = await aTestIssuer({ now: clock.now });
      deps = {
        store,
        clock,
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
        secrets: db.options.auditKeys.secrets,
        actor: 'test:closed-loop',
      };
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    const apply = (endpoints: Array<{ port: number }>) =>
      applyManifests(
        { store, clock },
        { text: manifest(dir, control.port, endpoints), fileName: 'web.yaml', actor: 'test' },
      );
    const reconcile = () =>
      runReconciler(deps, { worker: 'test', reconcile: { verify: { tries: 2, pauseMs: 100 } } });

    it('issues, deploys, reloads and verifies: Ready only when the endpoint serves the new revision; renew rolls it', async () => {
      await apply([{ port: a.running.port }]);
      await reconcile();
      const status = await store.managed.status('web');
      const view = managedStatusView(status);
      assert.deepEqual(Object.keys(view), ['conditions', 'revision', 'fingerprintSha256', 'staleEndpoints']);
      const ready = view.conditions.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'True', JSON.stringify(view, null, 2));
      assert.equal(view.revision, 1);
      assert.equal(view.fingerprintSha256, issuer.issued[0]?.fingerprintSha256);
      assert.deepEqual(Object.keys(view.conditions[0] ?? {}), [
        'type',
        'status',
        'reason',
        'message',
        'lastTransitionTime',
      ]);
      assert.equal(issuer.issued.length, 1);
      assert.match(await readFile(join(dir, 'fullchain.pem'), 'utf8'), /(BEGIN CERTIFICATE[^]*){2}/);
      // Renewal time: 8h before the end of a 24h lifetime, up to 10% of those 8h earlier.
      const revision = await store.managed.revision('web', 1);
      const renewal = status?.renewalTime?.getTime() ?? 0;
      const due = (revision?.notAfter.getTime() ?? 0) - 8 * 3_600_000;
      assert.ok(
        renewal <= due && renewal >= due - 0.8 * 3_600_000,
        `renewal ${status?.renewalTime?.toISOString()}`,
      );

      // Nothing due: a second run does nothing.
      await reconcile();
      assert.equal(issuer.issued.length, 1);

      await requestRenewal({ store, clock, actor: 'test' }, 'web');
      await reconcile();
      const renewed = managedStatusView(await store.managed.status('web'));
      assert.equal(renewed.revision, 2);
      assert.equal(renewed.conditions.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(issuer.issued.length, 2);
      assert.notEqual(
        issuer.issued[0]?.request.publicKeySpki.toString(),
        issuer.issued[1]?.request.publicKeySpki.toString(),
      );
      assert.equal(await readFile(join(dir, 'web.crt.previous'), 'utf8'), await pemOf(store, 1));
      assert.equal((await store.managed.status('web'))?.previousRevision, 1);

      const events = [];
      for await (const record of store.audit.records())
        if (record.type.startsWith('managed.')) events.push(record);
      assert.deepEqual(
        events.map((e) => e.type),
        [
          'managed.issuing',
          'managed.not-ready',
          'managed.revision-requested',
          'managed.issued',
          'managed.deployed',
          'managed.verified',
          'managed.ready',
          'managed.renew-requested',
          'managed.issuing',
          'managed.revision-requested',
          'managed.issued',
          'managed.not-ready',
          'managed.deployed',
          'managed.verified',
          'managed.ready',
        ],
      );
      // Rollback: revision 1 is current again, deployed, reloaded and verified as served.
      const rolled = await rollbackManaged({ store, clock, random: systemRandom, actor: 'test' }, 'web');
      assert.deepEqual([rolled.from, rolled.to], [2, 1]);
      await reconcile();
      const back = managedStatusView(await store.managed.status('web'));
      assert.equal(back.revision, 1);
      assert.equal(back.fingerprintSha256, issuer.issued[0]?.fingerprintSha256);
      assert.equal(back.conditions.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(await readFile(join(dir, 'web.crt'), 'utf8'), await pemOf(store, 1));
      assert.equal(await readFile(join(dir, 'web.crt.previous'), 'utf8'), await pemOf(store, 2));
      assert.equal(issuer.issued.length, 2, 'rollback issues nothing');

      const deployed = events.find((e) => e.type === 'managed.deployed');
      const [destination] = (deployed?.data['destinations'] ?? []) as Array<{
        reload: { exitCode: number; stdout: string };
      }>;
      assert.equal(destination?.reload.exitCode, 0);
      assert.equal(destination?.reload.stdout, 'reloaded\n');
    });

    it('a second endpoint that is not reloaded leaves the certificate DeployedPartially, naming it', async () => {
      await apply([{ port: a.running.port }, { port: b.running.port }]);
      await reconcile();
      const view = managedStatusView(await store.managed.status('web'));
      assert.equal(view.conditions.find((c) => c.type === 'Ready')?.status, 'False');
      const partially = view.conditions.find((c) => c.type === 'DeployedPartially');
      assert.equal(partially?.status, 'True');
      assert.match(
        partially?.message ?? '',
        new RegExp(`127\\.0\\.0\\.1:${b.running.port} \\(web\\.test\\)`),
      );
      assert.deepEqual(view.staleEndpoints, [
        {
          host: '127.0.0.1',
          port: b.running.port,
          sni: 'web.test',
          servedFingerprint: placeholderFingerprint,
        },
      ]);
      const status = await store.managed.status('web');
      assert.ok((status?.nextRetry?.getTime() ?? 0) > clock.now().getTime(), 'a retry is scheduled');

      // Once B loads the files too, the retry sees it and the certificate is Ready.
      await reloadFrom(b, dir);
      clock.advance(60 * 60_000);
      await reconcile();
      const healed = managedStatusView(await store.managed.status('web'));
      assert.equal(healed.conditions.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(healed.conditions.find((c) => c.type === 'DeployedPartially')?.status, 'False');
      assert.deepEqual(healed.staleEndpoints, []);
      assert.equal(issuer.issued.length, 1);
    });

    it('a crash between issuing and recording finishes with exactly one new revision', async () => {
      await apply([{ port: a.running.port }]);
      issuer.crashAfterIssue(1);
      await reconcile();
      const interrupted = await store.managed.status('web');
      assert.equal(interrupted?.revision, null);
      assert.equal(interrupted?.pending?.revision, 1);
      assert.equal(issuer.issued.length, 1);

      clock.advance(60 * 60_000);
      await reconcile();
      const status = await store.managed.status('web');
      assert.equal(status?.revision, 1);
      assert.equal(status?.fingerprintSha256, issuer.issued[0]?.fingerprintSha256);
      assert.equal(issuer.issued.length, 1, 'the issuer was not asked twice');
      assert.equal((await store.managed.revisions('web')).length, 1);
      assert.equal(status?.conditions.find((c) => c.type === 'Ready')?.status, 'True');
    });

    it('a worker killed while the issuer answers: another takes the job when its lease runs out, one revision', async () => {
      await apply([{ port: a.running.port }]);
      await scheduleDue(deps);
      const [job] = await store.jobs.claim({
        worker: 'dead',
        kinds: [RECONCILE_JOB],
        now: clock.now(),
        leaseMs: 1_500,
      });
      assert.ok(job);
      issuer.hangAfterIssue();
      // The dead worker's run: it never returns (the process is gone); only what it recorded remains.
      void reconcileManaged(deps, 'web');
      while (issuer.issued.length === 0) await wait(20);
      const left = await store.managed.status('web');
      assert.equal(left?.pending?.revision, 1);
      assert.equal(left?.revision, null);

      const run = await runReconciler(deps, {
        worker: 'test',
        until: new Date(clock.now().getTime() + 20_000),
        pollMs: 200,
        reconcile: { verify: { tries: 2, pauseMs: 100 } },
      });
      assert.equal(run.jobs.completed, 1);
      const status = await store.managed.status('web');
      assert.equal(status?.revision, 1);
      assert.equal(status?.conditions.find((c) => c.type === 'Ready')?.status, 'True');
      assert.equal(issuer.issued.length, 1, 'the issuer was not asked twice');
      assert.equal((await store.managed.revisions('web')).length, 1);
    });

    it('a step that started from a status changed meanwhile (renew, rollback, another worker) is not recorded', async () => {
      await apply([{ port: a.running.port }]);
      await reconcile();
      const seen = await store.managed.status('web');
      assert.ok(seen);
      clock.advance(1_000);
      await requestRenewal({ store, clock, actor: 'test' }, 'web');
      await assert.rejects(
        deployRevision(deps, {
          spec: (await managedSpec(store.objects, 'web')).spec,
          status: seen,
          revision: 1,
        }),
        { code: 'CUSTOS_MANAGED_CONFLICT' },
      );
      assert.equal((await store.managed.status('web'))?.renewRequested, true, 'the renewal request is kept');
    });

    it('an issuer that is not configured is a terminal failure until the spec changes', async () => {
      deps = { ...deps, issuers: new Map() };
      await apply([{ port: a.running.port }]);
      await reconcile();
      const view = managedStatusView(await store.managed.status('web'));
      const failed = view.conditions.find((c) => c.type === 'Failed');
      assert.equal(failed?.status, 'True');
      assert.match(failed?.message ?? '', /CUSTOS_MANAGED_ISSUER_NOT_FOUND/);
      assert.equal(view.conditions.find((c) => c.type === 'Ready')?.status, 'False');
      const run = await reconcile();
      assert.equal(run.jobs.completed, 0, 'nothing is due until the spec changes');
    });
  });
}

async function pemOf(store: Store, n: number): Promise<string> {
  const revision = await store.managed.revision('web', n);
  const lines =
    Buffer.from(revision?.certificate ?? [])
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
