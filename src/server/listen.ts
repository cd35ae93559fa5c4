/**
 * The server entry: builds the app, listens, starts the background work, and on SIGINT or SIGTERM shuts down
 * gracefully — no new connections, requests in flight finish, background runs in flight finish — then resolves,
 * so the caller closes the store. A second signal while shutting down exits at once.
 */
import type { AddressInfo } from 'node:net';
import { writeCrlFile } from '../compose/crl-file.js';
import { managedDependencies } from '../compose/managed.js';
import type { Runtime } from '../compose/runtime.js';
import { refreshCrls } from '../core/ca/refresh-crls.js';
import { applyRollover } from '../core/ca/rotate-authority.js';
import { createLoginCode, loginUrl } from '../core/auth/dashboard-login.js';
import { firstAdminToken } from '../core/auth/first-admin-token.js';
import { runReconciler } from '../core/managed/managed-jobs.js';
import { runScanJobs } from '../core/scan/scan-jobs.js';
import { scanProfileDependencies } from '../compose/scan-profiles.js';
import { DomainError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { ensureBuiltInCa } from '../compose/builtin-ca.js';
import { startDemo, type RunningDemo } from '../compose/demo/start-demo.js';
import { serverTls } from '../compose/server-tls/server-tls.js';
import { buildApp, buildServices, type ServerServices } from './build-app.js';
import { keepTlsCurrent } from './tls-context.js';
import { startWorkers, type BackgroundTask } from './workers.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `127.0.0.1:8700`, `[::1]:0`, `localhost:8700` (validated by the configuration's `listen-address` format). */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port > 65_535)
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `not a listen address: ${text}`, {
      hint: 'HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8700',
    });
  return { host: match[1] ?? match[2] ?? '', port };
}

export interface SignIn {
  adminToken: string | null;
  dashboardUrl: string;
}

export interface ServeOptions {
  listen: ListenAddress;
  /** Run the background work (false: `--no-workers`, serve only). */
  workers: boolean;
  /** Told the URL once the server accepts connections (the CLI prints it). */
  onListening(url: string): void;
  /**
   * Told, right after onListening, how to sign in: the admin token of a first start (null on every later start:
   * one was made before) and the dashboard URL with a one-time login code (the CLI prints both).
   */
  onSignIn(signIn: SignIn): void;
  /** How long in-flight requests may take to finish after a signal before their connections are cut (default 10 s). */
  graceMs?: number;
  /** Told what start-up did that a user should see (the built-in CA created); the CLI prints it. */
  onNotice?(line: string): void;
  /** Also run the local demo estate (`--demo`, src/compose/demo/), stopped with the server. */
  demo?: boolean;
}

/** The background work of the server; each area adds its tasks here. */
export function backgroundTasks(rt: Runtime, services: ServerServices): BackgroundTask[] {
  const ocspValidityMs = parseDuration(rt.config.ca.ocspValidity, 'ca.ocspValidity');
  const crlValidityMs = parseDuration(rt.config.ca.crlValidity, 'ca.crlValidity');
  return [
    {
      // Re-signs cached OCSP responses past half their validity, so requests find them fresh.
      name: 'ocsp-refresh',
      everyMs: Math.max(1_000, Math.min(ocspValidityMs / 4, 5 * 60_000)),
      runAtStart: false,
      run: async () => {
        const { resigned, dropped } = await services.ocsp.refresh();
        if (resigned + dropped > 0) rt.logger.info({ resigned, dropped }, 'OCSP responses refreshed');
      },
    },
    {
      // CA rollover (`custos ca rotate`): a `next` CA becomes active once its overlap has passed (the one before it
      // retiring), a retiring CA retired once none of its certificates is valid. Issuance already picks the new CA
      // when its overlap passes; this writes the statuses that move the bundle.
      name: 'ca-rollover',
      everyMs: 5_000,
      run: async () => {
        for (const transition of await applyRollover(rt))
          rt.logger.info({ ca: transition.name, transition: transition.kind }, 'CA rollover');
      },
    },
    {
      // Publishes each CA's next CRL once half of the latest one's validity has passed, and writes its file.
      name: 'crl-refresh',
      everyMs: Math.max(1_000, Math.min(crlValidityMs / 8, 15 * 60_000)),
      run: async () => {
        for (const crl of await refreshCrls(rt, { validityMs: crlValidityMs })) {
          await writeCrlFile(rt, crl);
          rt.logger.info({ ca: crl.authority, crlNumber: crl.crlNumber }, 'CRL published');
        }
      },
    },
    {
      // Scans started over the API (POST /v1/scans): queued jobs, so a scan outlives a restart and a server with
      // --no-workers leaves it to one with workers.
      name: 'scans',
      everyMs: 1_000,
      run: async () => {
        const done = await runScanJobs(
          { ...scanProfileDependencies(rt), random: rt.random },
          { worker: rt.worker },
        );
        if (done.completed + done.failed > 0) rt.logger.info({ ...done }, 'scans run');
      },
    },
    {
      // The closed loop (docs/managed.md): what is due is renewed, deployed and verified on the job queue; several
      // servers on one PostgreSQL share the work through the queue's leases. Trust bundles are delivered first.
      name: 'managed-reconcile',
      everyMs: 15_000,
      run: async () => {
        const deps = await managedDependencies(rt);
        const until = new Date(rt.clock.now().getTime() + 60_000);
        const run = await runReconciler(deps, { worker: rt.worker, until });
        if (run.outcomes.length > 0)
          rt.logger.info({ reconciled: run.outcomes.length }, 'managed certificates reconciled');
        for (const bundle of run.bundles)
          if (bundle.state === 'deployed' || bundle.state === 'failed')
            rt.logger[bundle.state === 'failed' ? 'warn' : 'info'](
              { bundle: bundle.name, state: bundle.state, sha256: bundle.sha256 },
              'trust bundle delivery',
            );
      },
    },
  ];
}

const urlOf = (address: AddressInfo, scheme: string): string =>
  `${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

/** Serves until SIGINT or SIGTERM, then shuts down gracefully and resolves. */
export async function serve(rt: Runtime, options: ServeOptions): Promise<void> {
  if (rt.config.server.createCa && (await ensureBuiltInCa(rt)) === 'created') {
    rt.logger.info({ ca: 'default' }, 'built-in CA created');
    options.onNotice?.('built-in CA "default" created (trust it with `custos ca bundle`)');
  }
  const tls = await serverTls(rt, options.listen.host);
  const services = buildServices(rt);
  const app = await buildApp(rt, {
    services,
    ...(tls === null ? {} : { tls: { cert: tls.credentials.certPem, key: tls.credentials.keyPem } }),
  });
  const stopTls = tls === null ? undefined : keepTlsCurrent(app, tls, rt.logger);
  let stopping: ((signal: NodeJS.Signals) => void) | undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (stopping = resolve));
  let signalled = false;
  let closed = false;
  let demo: RunningDemo | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      rt.logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(130);
    }
    signalled = true;
    stopping?.(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // The demo estate comes up first, so that its lines are printed before `listening:`.
    demo = options.demo === true ? await startDemo(rt) : undefined;
    for (const line of demo?.lines ?? []) options.onNotice?.(line);
    demo?.settled.then(
      () => rt.logger.info('demo estate scanned and reconciled'),
      (error: unknown) => rt.logger.warn({ err: error }, 'demo estate not fully set up'),
    );
    try {
      await app.listen({ host: options.listen.host, port: options.listen.port });
    } catch (cause) {
      throw new DomainError(
        'CUSTOS_LISTEN_FAILED',
        `cannot listen on ${options.listen.host}:${options.listen.port}: ${(cause as Error).message}`,
        { cause, hint: 'pick another address with --listen HOST:PORT (port 0 picks a free one)' },
      );
    }
    const url = urlOf(app.server.address() as AddressInfo, tls === null ? 'http' : 'https');
    // Made once the address is ours (a start that cannot listen must not spend the first start's token), and
    // before the URL is told, so whoever reads it can sign in; the first admin token is decided atomically.
    const firstToken = await firstAdminToken(rt);
    if (firstToken !== null) rt.logger.info({ token: firstToken.record.id }, 'first start: admin token made');
    const code = await createLoginCode(rt);
    const workers = options.workers ? startWorkers(backgroundTasks(rt, services), rt.logger) : undefined;
    // The first scrape of /metrics finds the estate families computed (a listing of the whole inventory). Not
    // awaited at shutdown: it changes nothing, and a large estate must not hold a SIGTERM for its duration.
    void services.metrics
      .warm()
      .catch((err: unknown) => rt.logger.warn({ err }, 'metrics: computing the estate families failed'));
    rt.logger.info({ url, workers: workers?.names ?? 'off' }, 'listening');
    options.onListening(url);
    options.onSignIn({ adminToken: firstToken?.token ?? null, dashboardUrl: loginUrl(url, code.secret) });

    const signal = await stopped;
    rt.logger.info({ signal }, 'shutting down: finishing requests and background work');
    const grace = setTimeout(() => {
      rt.logger.warn('grace period over: closing the remaining connections');
      app.server.closeAllConnections();
    }, options.graceMs ?? 10_000);
    grace.unref();
    await Promise.all([app.close(), workers?.stop()]);
    closed = true;
    clearTimeout(grace);
    rt.logger.info('stopped');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopTls?.();
    await demo?.stop();
    if (!closed) await app.close();
  }
}
