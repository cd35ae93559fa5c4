/**
 * The closed loop against real nginx (issue 12's "done when"): two nginx instances serve the same deployed files.
 * The file destination's reload command is `nginx -s reload` for the first only. Forcing renewal writes the new
 * files, reloads the first nginx, and verification sees the new fingerprint there; the second, never reloaded,
 * leaves the certificate DeployedPartially naming it — until it is reloaded too and the retry finds it Ready.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { nodeLeafKeyGenerator } from '../../src/connectors/crypto/leaf-key-generator.js';
import {
  buildBundleDestinationRegistry,
  buildDestinationRegistry,
} from '../../src/connectors/destination-registry.js';
import { runCommand } from '../../src/connectors/deployer-file/run-command.js';
import { createTlsProber } from '../../src/connectors/scanner-tls/tls-prober.js';
import { systemRandom } from '../../src/connectors/system/system-random.js';
import { applyManifests } from '../../src/core/declarative/apply-manifests.js';
import type { ManagedDependencies } from '../../src/core/managed/managed-dependencies.js';
import { runReconciler } from '../../src/core/managed/managed-jobs.js';
import { managedStatusView } from '../../src/core/managed/managed-view.js';
import { requestRenewal } from '../../src/core/managed/request-renewal.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { aCertificate, withDnsNames, withSubject } from '../support/certificates.js';
import { aTestIssuer, type TestIssuer } from '../support/test-issuer.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { NGINX, startNginx, type Nginx } from '../support/nginx.js';

const sqlite = DIALECTS.find((d) => d.name === 'sqlite');

describe(
  'The closed loop against nginx',
  { skip: existsSync(NGINX) ? false : `${NGINX} is not installed` },
  () => {
    let root: string;
    let db: TestDatabase;
    let store: Store;
    let issuer: TestIssuer;
    let deps: ManagedDependencies;
    let first: Nginx;
    let second: Nginx;
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    let tls: { cert: string; key: string; fullchain: string; chain: string };
    let placeholder: string;

    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'custos-nginx-loop-'));
      tls = {
        cert: join(root, 'tls', 'web.crt'),
        chain: join(root, 'tls', 'chain.pem'),
        fullchain: join(root, 'tls', 'web-fullchain.pem'),
        key: join(root, 'tls', 'web.key'),
      };
      await mkdir(join(root, 'tls'));
      const initial = await aCertificate(withSubject('CN=web.test'), withDnsNames('web.test'));
      placeholder = initial.fingerprintSha256;
      await writeFile(tls.fullchain, initial.pem);
      await writeFile(tls.key, initial.privateKeyPem, { mode: 0o600 });
      first = await startNginx(root, 'first', { cert: tls.fullchain, key: tls.key, serverName: 'web.test' });
      second = await startNginx(root, 'second', {
        cert: tls.fullchain,
        key: tls.key,
        serverName: 'web.test',
      });
      db = await (sqlite as NonNullable<typeof sqlite>).create();
      store = await openStore(db.options);
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
        actor: 'test:nginx',
      };
      await applyManifests(
        { store, clock },
        {
          fileName: 'web.yaml',
          actor: 'test',
          text: `apiVersion: custos/v1
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
        certificate: ${tls.cert}
        chain: ${tls.chain}
        fullchain: ${tls.fullchain}
        privateKey: ${tls.key}
        reload: {command: ${JSON.stringify(first.reload)}, timeout: 10s}
  verify:
    - {host: 127.0.0.1, port: ${first.port}, sni: web.test}
    - {host: 127.0.0.1, port: ${second.port}, sni: web.test}
`,
        },
      );
    });

    after(async () => {
      for (const n of [first, second]) {
        if (n?.process.exitCode === null) {
          const exited = new Promise((resolve) => n.process.once('exit', resolve));
          n.process.kill('SIGTERM');
          await exited;
        }
      }
      await store?.close();
      await db?.dispose();
      if (root) await rm(root, { recursive: true, force: true });
    });

    const reconcile = () =>
      runReconciler(deps, { worker: 'test', reconcile: { verify: { tries: 10, pauseMs: 300 } } });
    const view = async () => managedStatusView(await store.managed.status('web'));
    const condition = (v: Awaited<ReturnType<typeof view>>, type: string) =>
      v.conditions.find((c) => c.type === type);

    it('the reloaded nginx serves the new revision; the other leaves it DeployedPartially, naming it', async () => {
      await reconcile();
      const v = await view();
      assert.equal(v.revision, 1);
      assert.equal(condition(v, 'Ready')?.status, 'False');
      assert.equal(condition(v, 'DeployedPartially')?.status, 'True');
      assert.deepEqual(v.staleEndpoints, [
        { host: '127.0.0.1', port: second.port, sni: 'web.test', servedFingerprint: placeholder },
      ]);
      assert.match(
        condition(v, 'DeployedPartially')?.message ?? '',
        new RegExp(`127\\.0\\.0\\.1:${second.port}`),
      );
    });

    it('once the second nginx is reloaded too, the retry finds every endpoint serving it: Ready', async () => {
      assert.equal((await runCommand(second.reload, 10_000)).exitCode, 0);
      offset += 60 * 60_000;
      await reconcile();
      const v = await view();
      assert.equal(condition(v, 'Ready')?.status, 'True', JSON.stringify(v, null, 2));
      assert.deepEqual(v.staleEndpoints, []);
    });

    it('forced renewal writes the new files, reloads the first nginx, and the second is stale with revision 1', async () => {
      const before = await view();
      await requestRenewal({ store, clock, actor: 'test' }, 'web');
      await reconcile();
      const v = await view();
      assert.equal(v.revision, 2);
      assert.notEqual(v.fingerprintSha256, before.fingerprintSha256);
      assert.equal(condition(v, 'DeployedPartially')?.status, 'True');
      assert.deepEqual(v.staleEndpoints, [
        {
          host: '127.0.0.1',
          port: second.port,
          sni: 'web.test',
          servedFingerprint: before.fingerprintSha256,
        },
      ]);
      assert.equal(issuer.issued.length, 2);
      assert.ok((await readFile(`${tls.cert}.previous`, 'utf8')).includes('BEGIN CERTIFICATE'));
    });
  },
);
