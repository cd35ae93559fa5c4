/**
 * Runs the real `custos` CLI (`node bin/custos ...`, i.e. the compiled dist/) as a user would, against a state of
 * its own: a fresh temp `--data-dir` (SQLite), or a PostgreSQL `--database-url`.
 *
 * @example
 *   const custos = await aCustos();
 *   const scan = await custos.run('scan', 'files', dir, '--json');
 *   assert.equal(scan.code, 0, scan.stderr);
 *   scan.json<{ files: number }>().files;
 *   await custos.cleanup();
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws, naming the command's output, when it is not JSON). */
  json<T = unknown>(): T;
}

/** The repository root: the first folder above this file that holds bin/custos (works from test/ and dist/test/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'custos'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('test/support/cli: no bin/custos above this file');
    dir = parent;
  }
  return dir;
}

export const CUSTOS_BIN = join(repositoryRoot(), 'bin', 'custos');

export interface RunOptions {
  /** Extra environment variables (the CUSTOS_* variables of the caller's environment are never passed on). */
  env?: Record<string, string>;
  cwd?: string;
  /** Kills the CLI after this long (then `code` is -1), so a hang fails the test instead of stalling it. */
  timeoutMs?: number;
}

/** Runs `node bin/custos ...args` and resolves with its exit code and output (it never rejects on exit codes). */
export function runCustos(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CUSTOS_')) env[k] = v;
  Object.assign(env, options.env);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CUSTOS_BIN, ...args],
      {
        env,
        cwd: options.cwd,
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'utf8',
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs, killSignal: 'SIGKILL' }),
      },
      (error, stdout, stderr) => {
        const exit = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({
          code: exit,
          stdout,
          stderr,
          json<T>(): T {
            try {
              return JSON.parse(stdout) as T;
            } catch (cause) {
              throw new Error(
                `custos ${args.join(' ')} did not print JSON (exit ${exit}):\n${stdout}\n${stderr}`,
                { cause },
              );
            }
          },
        });
      },
    );
  });
}

export interface Custos {
  /** Where the state lives, as the flags that name it. */
  readonly stateFlags: string[];
  /** The SQLite data directory, when the state is in SQLite. */
  readonly dataDir: string | undefined;
  run(...args: string[]): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/**
 * A CLI with its own state: the given PostgreSQL URL or SQLite data dir (the caller owns and removes those), or
 * else a fresh temp data dir that `cleanup()` removes. On PostgreSQL a temp data dir of its own holds the audit
 * key file (the database never sees the key).
 */
export async function aCustos(options: { dataDir?: string; databaseUrl?: string } = {}): Promise<Custos> {
  const owned =
    options.dataDir && !options.databaseUrl ? undefined : await mkdtemp(join(tmpdir(), 'custos-cli-'));
  const dataDir = options.databaseUrl ? undefined : (options.dataDir ?? owned);
  const stateFlags = options.databaseUrl
    ? ['--database-url', options.databaseUrl, '--data-dir', owned as string]
    : ['--data-dir', dataDir as string];
  return {
    stateFlags,
    dataDir,
    run: (...args) => runCustos([...stateFlags, ...args]),
    cleanup: async () => {
      if (owned) await rm(owned, { recursive: true, force: true });
    },
  };
}
