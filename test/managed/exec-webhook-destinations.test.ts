/**
 * The exec and webhook destinations in the closed loop, on every store dialect: a real shell script installs the
 * revision for one real TLS endpoint; a real local HTTP server receives the signed webhook and installs it in a
 * second one. The first webhook answer is a 503: the deploy fails, is retried after its backoff, and the revision
 * becomes Ready once both endpoints serve it. A second run does nothing; renewal runs both again; delete runs the
 * script with CUSTOS_ACTION=remove and POSTs action remove.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { nodeLeafKeyGenerator } from '../../src/connectors/crypto/leaf-key-generator.js';
import {
  buildBundleDestinationRegistry,
  buildDestinationRegistry,
} from '../../src/connectors/destination-registry.js';
import type { RevisionPayload } from '../../src/connectors/deployer-webhook/webhook-destination.js';
import { verifySignature } from '../../src/connectors/notifier-webhook/signature.js';
import { createTlsProber } from '../../src/connectors/scanner-tls/tls-prober.js';
import { systemRandom } from '../../src/connectors/system/system-random.js';
import { applyManifests } from '../../src/core/declarative/apply-manifests.js';
import { deleteManaged } from '../../src/core/managed/delete-managed.js';
import type { ManagedDependencies } from '../../src/core/managed/managed-dependencies.js';
import { runReconciler } from '../../src/core/managed/managed-jobs.js';
import { managedStatusView } from '../../src/core/managed/managed-view.js';
import { requestRenewal } from '../../src/core/managed/request-renewal.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { aCertificate, withDnsNames, withSubject } from '../support/certificates.js';
import { aTestIssuer, type TestIssuer } from '../support/test-issuer.js';
import { listen, type Running } from '../scan-tls/servers.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

const SECRET = 'install-secret';
const TOKEN = 'install-token';

/** A clock the test moves on (to pass a retry's backoff); it starts at the real time, as the TLS peers see it. */
function aClock() {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms: number) => void (offset += ms) };
}

for (const dialect of DIALECTS) {
  describe(`exec and webhook destinations on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let placeholder: { key: string; cert: string };
    let dir: string;
    // Endpoint E serves what the exec script installed in dir/installed, read at every handshake.
    let execEndpoint: Running;
    // Endpoint W serves what the webhook receiver last installed.
    let webhookTls: ReturnType<typeof createTlsServer>;
    let webhookEndpoint: Running;
    let receiver: HttpServer;
    let receiverUrl: string;
    let posts: Array<{ payload: RevisionPayload; signatureValid: boolean; bearer: string | undefined }>;
    let answers: number[];
    let db: TestDatabase;
    let store: Store;
    let clock: ReturnType<typeof aClock>;
    let issuer: TestIssuer;
    let deps: ManagedDependencies;

    before(async () => {
      const cert = await aCertificate(withSubject('CN=placeholder'), withDnsNames('web.test'));
      placeholder = { key: cert.privateKeyPem, cert: cert.pem };
      const fallback = createSecureContext(placeholder);
      const exec = createTlsServer({
        ...placeholder,
        SNICallback: (_name, done) => {
          Promise.all([
            readFile(join(dir, 'installed', 'private-key.pem')),
            readFile(join(dir, 'installed', 'fullchain.pem')),
          ]).then(
            ([key, fullchain]) => done(null, createSecureContext({ key, cert: fullchain })),
            () => done(null, fallback),
          );
        },
      });
      exec.on('tlsClientError', () => undefined);
      execEndpoint = await listen(exec);
      webhookTls = createTlsServer(placeholder, (socket) => socket.end());
      webhookTls.on('tlsClientError', () => undefined);
      webhookEndpoint = await listen(webhookTls);
      receiver = createHttpServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => {
          const check = verifySignature(req.headers['custos-signature'] as string | undefined, body, SECRET, {
            nowSeconds: Date.now() / 1000,
            toleranceSeconds: 24 * 3600,
          });
          const payload = JSON.parse(body) as RevisionPayload;
          posts.push({ payload, signatureValid: check.valid, bearer: req.headers.authorization });
          const status = answers.shift() ?? 200;
          if (status === 200 && check.valid && payload.action === 'deploy')
            webhookTls.setSecureContext({ key: payload.privateKeyPem, cert: payload.fullchainPem });
          if (status === 200 && payload.action === 'remove') webhookTls.setSecureContext(placeholder);
          res.writeHead(check.valid ? status : 401).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/install`;
    });
    after(async () => {
      await execEndpoint.close();
      await webhookEndpoint.close();
      await new Promise((resolve) => receiver.close(resolve));
    });
    beforeEach(async () => {
      posts = [];
      answers = [];
      dir = await mkdtemp(join(tmpdir(), 'custos-exec-webhook-'));
      webhookTls.setSecureContext(placeholder);
      db = await dialect.create();
      store = await openStore(db.options);
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
        destinations: buildDestinationRegistry({
          env: { CUSTOS_TEST_INSTALL_SECRET: SECRET, CUSTOS_TEST_INSTALL_TOKEN: TOKEN },
          commandEnvironment: { PATH: '/usr/local/bin:/usr/bin:/bin' },
          now: clock.now,
        }),
        prober: createTlsProber({ timeoutMs: 5_000 }),
        keys: nodeLeafKeyGenerator,
        secrets: db.options.auditKeys.secrets,
        actor: 'test:exec-webhook',
      };
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    /** The install script: copies the revision's files for endpoint E, logs each run; remove deletes them. */
    async function installScript(): Promise<string> {
      const path = join(dir, 'install.sh');
      const installed = join(dir, 'installed');
      await writeFile(
        path,
        `#!/bin/sh
set -e
echo "$CUSTOS_ACTION $CUSTOS_MANAGED_NAME \${CUSTOS_REVISION:-} \${CUSTOS_FINGERPRINT_SHA256:-}" >> ${join(dir, 'runs.log')}
if [ "$CUSTOS_ACTION" = remove ]; then rm -rf ${installed}; echo removed; exit 0; fi
mkdir -p ${installed}.new
cp "$CUSTOS_FULLCHAIN_FILE" "$CUSTOS_PRIVATE_KEY_FILE" ${installed}.new/
rm -rf ${installed}; mv ${installed}.new ${installed}
echo "installed revision $CUSTOS_REVISION"
`,
      );
      await chmod(path, 0o755);
      return path;
    }

    const runs = async (): Promise<string[]> =>
      (await readFile(join(dir, 'runs.log'), 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');

    async function apply(): Promise<void> {
      const text = `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: web}
spec:
  dnsNames: [web.test]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - exec: {command: [${JSON.stringify(await installScript())}], timeout: 10s}
    - webhook:
        url: ${JSON.stringify(receiverUrl)}
        secretEnv: CUSTOS_TEST_INSTALL_SECRET
        bearerTokenEnv: CUSTOS_TEST_INSTALL_TOKEN
        timeout: 5s
  verify:
    - {host: 127.0.0.1, port: ${execEndpoint.port}, sni: web.test}
    - {host: 127.0.0.1, port: ${webhookEndpoint.port}, sni: web.test}
`;
      await applyManifests({ store, clock }, { text, fileName: 'web.yaml', actor: 'test' });
    }

    const reconcile = () =>
      runReconciler(deps, { worker: 'test', reconcile: { verify: { tries: 2, pauseMs: 100 } } });

    const auditOf = async (type: string) => {
      const found = [];
      for await (const record of store.audit.records()) if (record.type === type) found.push(record);
      return found;
    };

    it('installs through a script and a signed webhook, retries a refused webhook, and is Ready when both serve it', async () => {
      await apply();
      answers.push(503);
      await reconcile();
      const failed = managedStatusView(await store.managed.status('web'));
      const ready = failed.conditions.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'False');
      assert.equal(ready?.reason, 'DeployFailed');
      assert.match(ready?.message ?? '', /could not be deployed yet/);
      const [deployFailed] = await auditOf('managed.deploy-failed');
      const outcomes = deployFailed?.data['destinations'] as Array<{
        ok: boolean;
        reload: { exitCode: number; stdout: string } | null;
        http?: { status: number };
        error: string | null;
      }>;
      assert.equal(outcomes[0]?.ok, true);
      assert.equal(outcomes[0]?.reload?.exitCode, 0);
      assert.equal(outcomes[0]?.reload?.stdout, 'installed revision 1\n');
      assert.equal(outcomes[1]?.ok, false);
      assert.equal(outcomes[1]?.http?.status, 503);
      assert.match(outcomes[1]?.error ?? '', /^HTTP 503 from http:\/\/127\.0\.0\.1:\d+$/);
      const retryAt = (await store.managed.status('web'))?.nextRetry;
      assert.ok(retryAt !== null && retryAt !== undefined && retryAt > clock.now(), 'a retry is scheduled');

      // Before the backoff has passed nothing is posted again.
      await reconcile();
      assert.equal(posts.length, 1);

      clock.advance(60 * 60_000);
      await reconcile();
      const view = managedStatusView(await store.managed.status('web'));
      assert.equal(view.conditions.find((c) => c.type === 'Ready')?.status, 'True', JSON.stringify(view));
      assert.equal(view.revision, 1);
      assert.equal(view.fingerprintSha256, issuer.issued[0]?.fingerprintSha256);
      assert.equal(posts.length, 2);
      for (const post of posts) {
        assert.equal(post.signatureValid, true);
        assert.equal(post.bearer, `Bearer ${TOKEN}`);
        assert.equal(post.payload.action, 'deploy');
      }
      const fingerprint = view.fingerprintSha256 ?? '';
      assert.deepEqual(await runs(), [`deploy web 1 ${fingerprint}`, `deploy web 1 ${fingerprint}`]);

      // The second run: nothing is due, the script does not run, nothing is posted.
      await reconcile();
      assert.equal(posts.length, 2);
      assert.equal((await runs()).length, 2);
      assert.equal(issuer.issued.length, 1);

      // Renewal: revision 2 goes through both again and both endpoints serve it.
      await requestRenewal({ store, clock, actor: 'test' }, 'web');
      await reconcile();
      const renewed = managedStatusView(await store.managed.status('web'));
      assert.equal(renewed.revision, 2);
      assert.equal(renewed.conditions.find((c) => c.type === 'Ready')?.status, 'True');
      const last = posts.at(-1)?.payload;
      assert.equal(last?.action === 'deploy' ? last.fingerprintSha256 : null, renewed.fingerprintSha256);
      assert.equal((await runs()).at(-1), `deploy web 2 ${renewed.fingerprintSha256}`);

      // Teardown: the script runs with CUSTOS_ACTION=remove, the webhook gets action remove; nothing serves it.
      const deleted = await deleteManaged(deps, 'web', { revoke: false, tries: 2, pauseMs: 100 });
      assert.deepEqual(
        deleted.destinations.map((d) => d.ok),
        [true, true],
      );
      assert.deepEqual(deleted.stillServed, []);
      assert.equal((await runs()).at(-1), 'remove web  ');
      assert.deepEqual(posts.at(-1)?.payload, {
        type: 'custos.revision',
        action: 'remove',
        name: 'web',
        sentAt: posts.at(-1)?.payload.sentAt,
      });
    });

    it('a script that fails is audited with its exit code and output, and retried after its backoff', async () => {
      await apply();
      await writeFile(join(dir, 'install.sh'), '#!/bin/sh\necho "device busy" >&2\nexit 4\n');
      await reconcile();
      const [deployFailed] = await auditOf('managed.deploy-failed');
      const [exec] = deployFailed?.data['destinations'] as Array<{
        error: string;
        reload: { exitCode: number; stderr: string };
      }>;
      assert.equal(exec?.reload.exitCode, 4);
      assert.equal(exec?.reload.stderr, 'device busy\n');
      assert.match(exec?.error ?? '', /exited with 4: device busy/);
      assert.equal(
        managedStatusView(await store.managed.status('web')).conditions.find((c) => c.type === 'Ready')
          ?.reason,
        'DeployFailed',
      );

      await installScript();
      clock.advance(60 * 60_000);
      await reconcile();
      const view = managedStatusView(await store.managed.status('web'));
      assert.equal(view.conditions.find((c) => c.type === 'Ready')?.status, 'True', JSON.stringify(view));
      assert.equal(issuer.issued.length, 1, 'a failed deploy issues nothing new');
    });
  });
}
