/**
 * The server as tests meet it: in-process (`anApp`: buildApp over a real SQLite store in a temp dir, for `inject()`)
 * or as a real process (`aServer`: `custos serve --listen 127.0.0.1:0`, the URL read from its `listening:` line).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { composeDependencies, openRuntime, type Runtime } from '../../src/compose/runtime.js';
import type { App } from '../../src/server/app.js';
import { buildApp } from '../../src/server/build-app.js';
import { CUSTOS_BIN } from './cli.js';

export interface TestApp {
  app: App;
  rt: Runtime;
  dataDir: string;
  /** The JSON log lines the app wrote (request logs, error causes). */
  logs: Record<string, unknown>[];
  cleanup(): Promise<void>;
}

/**
 * A Runtime as `custos serve` builds it: over the SQLite store in `dataDir`, or over `databaseUrl` (PostgreSQL) with
 * `dataDir` holding the key files.
 */
export async function aRuntime(
  dataDir: string,
  env: Record<string, string> = {},
  databaseUrl?: string,
): Promise<Runtime> {
  return openRuntime(
    await composeDependencies({
      surface: 'server',
      flags: [
        { key: 'dataDir', flag: '--data-dir', value: dataDir },
        ...(databaseUrl === undefined
          ? []
          : [{ key: 'databaseUrl', flag: '--database-url', value: databaseUrl }]),
      ],
      env,
      cwd: dataDir,
    }),
  );
}

/** buildApp over a fresh store, with the log captured; `prepare` may add test routes before it is ready. */
export async function anApp(
  options: { dataDir?: string; prepare?: (app: App) => void } = {},
): Promise<TestApp> {
  const owned = options.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'custos-server-')) : undefined;
  const dataDir = options.dataDir ?? (owned as string);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const opened = await aRuntime(dataDir);
  const rt: Runtime = { ...opened, logger: pino({ level: 'debug' }, sink) };
  const app = await buildApp(rt);
  options.prepare?.(app);
  await app.ready();
  return {
    app,
    rt,
    dataDir,
    logs,
    cleanup: async () => {
      await app.close();
      await rt.store.close();
      if (owned) await rm(owned, { recursive: true, force: true });
    },
  };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** What the server wrote on stdout and stderr so far. */
  output(): { stdout: string; stderr: string };
  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `custos serve --listen 127.0.0.1:0 ...args` (with the given state flags) and resolves once it prints its
 * URL; rejects with its output when it exits first or is not up within `timeoutMs`.
 */
export function aServer(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CUSTOS_')) env[k] = v;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [CUSTOS_BIN, 'serve', '--listen', '127.0.0.1:0', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`custos serve did not start in time:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    const onData = (): void => {
      const url = /^listening: (\S+)$/m.exec(stdout)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        url,
        child,
        output: () => ({ stdout, stderr }),
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`custos serve exited (${code}) before listening:\n${stdout}\n${stderr}`));
    });
  });
}
