/**
 * `custos serve --demo`: a small local estate that shows every feature within a minute — TLS endpoints on
 * 127.0.0.1 with the common problems, a file tree in `<dataDir>/demo/files`, owners with contacts, ownership rules,
 * a policy, an exception, and the ManagedCertificate `demo-web` from the built-in CA deployed to files behind a
 * local TLS server that reloads them — applied and scanned through the same use cases as `custos apply`,
 * `custos scan tls`, `custos scan files` and `custos managed reconcile`. Everything is labelled demo (owners
 * `demo-*`); the estate is made once and kept in `<dataDir>/demo`, so a second start finds the same certificates
 * and ports and duplicates nothing. Its servers stop with the server.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { applyManifests } from '../../core/declarative/apply-manifests.js';
import { runReconciler } from '../../core/managed/managed-jobs.js';
import { scanFiles } from '../../core/scan-files.js';
import { scanTls } from '../../core/scan-tls.js';
import { managedDependencies } from '../managed.js';
import type { Runtime } from '../runtime.js';
import { demoManifests } from './demo-manifests.js';
import { generateDemoPki, type DemoEndpointCertificate } from './demo-pki.js';
import { startDemoServer, startReloadingServer, type DemoServer } from './demo-servers.js';

/** What is kept between starts: the certificates and keys made once, and the ports last used. */
interface DemoState {
  version: 1;
  createdAt: string;
  rootPem: string;
  endpoints: (DemoEndpointCertificate & { port: number })[];
  managedPort: number;
}

export interface RunningDemo {
  /** Lines for the user: the banner and what is where. */
  lines: string[];
  /** Scans and the first reconcile, finished (the dashboard has the demo's data once it resolves). */
  settled: Promise<void>;
  stop(): Promise<void>;
}

const DAY = 86_400_000;
const MANAGED = 'demo-web';
const dns = (name: string) => `${name}.demo.example`;
/** The endpoints the payments team owns; the others stay unowned, as real estates have some. */
const PAYMENTS = ['expired', 'expiring', 'weak', 'web'];

async function loadOrCreateState(rt: Runtime, file: string): Promise<{ state: DemoState; created: boolean }> {
  try {
    return { state: JSON.parse(await readFile(file, 'utf8')) as DemoState, created: false };
  } catch {
    const now = rt.clock.now();
    const pki = await generateDemoPki(now, dns);
    const state: DemoState = {
      version: 1,
      createdAt: now.toISOString(),
      rootPem: pki.rootPem,
      endpoints: pki.endpoints.map((e) => ({ ...e, port: 0 })),
      managedPort: 0,
    };
    const files = join(resolve(rt.config.dataDir), 'demo', 'files');
    await mkdir(join(files, 'payments'), { recursive: true });
    await mkdir(join(files, 'legacy'), { recursive: true });
    // A certificate (and the intermediate) with its key beside it, the same leaf as DER, a file that holds a
    // certificate with a key that is not its own, and a PKCS#12 whose password is unknown (its certificates are
    // stored in the clear, so they are still read).
    await writeFile(join(files, 'payments', 'files.crt'), pki.files.certPem);
    await writeFile(join(files, 'payments', 'files.key'), pki.files.keyPem, { mode: 0o600 });
    await writeFile(join(files, 'legacy', 'files.der'), pki.files.derCertificate);
    await writeFile(join(files, 'legacy', 'legacy.p12'), pki.files.pkcs12, { mode: 0o600 });
    await writeFile(
      join(files, 'legacy', 'old-site.pem'),
      `${pki.endpoints[0]?.certPem ?? ''}${pki.files.strayKeyPem}`,
      {
        mode: 0o600,
      },
    );
    return { state, created: true };
  }
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();

export async function startDemo(rt: Runtime): Promise<RunningDemo> {
  const dir = join(resolve(rt.config.dataDir), 'demo');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stateFile = join(dir, 'estate.json');
  const { state, created } = await loadOrCreateState(rt, stateFile);
  const servers: DemoServer[] = [];
  const stop = async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  };
  try {
    for (const endpoint of state.endpoints) {
      const server = await startDemoServer(endpoint, endpoint.port);
      servers.push(server);
      endpoint.port = server.port;
    }
    const managedDir = join(dir, 'managed');
    await mkdir(managedDir, { recursive: true, mode: 0o700 });
    const managedFiles = {
      certificate: join(managedDir, 'web.crt'),
      fullchain: join(managedDir, 'web-fullchain.pem'),
      privateKey: join(managedDir, 'web.key'),
    };
    const placeholder = state.endpoints.find((e) => e.name === 'self-signed') ?? state.endpoints[0];
    if (placeholder === undefined) throw new Error('the demo estate has no endpoints');
    const managedServer = await startReloadingServer(
      placeholder,
      { directory: managedDir, fullchain: managedFiles.fullchain, key: managedFiles.privateKey },
      state.managedPort,
    );
    servers.push(managedServer);
    state.managedPort = managedServer.port;
    await writeFile(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });

    const filesDirectory = join(dir, 'files');
    await applyManifests(rt, {
      text: demoManifests({
        paymentsNames: PAYMENTS.map(dns),
        filesDirectory,
        selfSignedFingerprint: fingerprint(placeholder.certPem),
        exceptionExpires: new Date(Date.parse(state.createdAt) + 90 * DAY).toISOString(),
        managed: { name: MANAGED, dnsName: dns('web'), port: managedServer.port, ...managedFiles },
      }),
      fileName: 'the demo estate',
      actor: rt.actor,
    });

    const settled = (async () => {
      // Files first: the intermediate in the tree is what tells an incomplete chain from an unknown issuer.
      await scanFiles(rt, { paths: [filesDirectory], passwords: [], actor: rt.actor });
      await scanTls(rt, {
        // Each by its name, as clients reach it: findings of a probe by bare address stay with that address.
        endpoints: state.endpoints.map((e) => ({
          host: '127.0.0.1',
          port: e.port,
          sni: dns(e.name),
          starttls: null,
        })),
        concurrency: 8,
        // Only the demo root: every problem the scan reports is one the demo planted.
        trustAnchors: [new Uint8Array(new X509Certificate(state.rootPem).raw)],
        actor: rt.actor,
      });
      const until = new Date(rt.clock.now().getTime() + 45_000);
      await runReconciler(await managedDependencies(rt), { worker: rt.worker, until });
      // What the managed certificate's server serves now, judged against the built-in CA's roots.
      const roots = (await rt.store.authorities.list()).flatMap((a) => a.chain.slice(-1));
      await scanTls(rt, {
        endpoints: [{ host: '127.0.0.1', port: managedServer.port, sni: dns('web'), starttls: null }],
        concurrency: 1,
        trustAnchors: roots,
        actor: rt.actor,
      });
    })();
    return {
      lines: [
        `demo: ${created ? 'created' : 'started'} a local demo estate in ${dir} (owners demo-*, ManagedCertificate ${MANAGED})`,
        ...state.endpoints.map((e) => `demo:   tls 127.0.0.1:${e.port}  ${e.problem}`),
        `demo:   tls 127.0.0.1:${managedServer.port}  ${MANAGED}, issued by the built-in CA and reloaded on renewal`,
        `demo:   files ${filesDirectory}`,
      ],
      settled,
      // The servers first, so a scan or reconcile in flight ends soon; then it is waited for (the store closes next).
      stop: async () => {
        await stop();
        await settled.catch(() => undefined);
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
