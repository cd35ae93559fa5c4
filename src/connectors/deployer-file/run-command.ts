import { execFile } from 'node:child_process';
import type { CommandOutcome } from '../../core/ports/destination.js';

/** The output kept of a command for the audit trail: its first 4 KiB of each stream. */
export const OUTPUT_LIMIT = 4096;

const clip = (text: string): string =>
  text.length <= OUTPUT_LIMIT
    ? text
    : `${text.slice(0, OUTPUT_LIMIT)}... (${text.length - OUTPUT_LIMIT} more)`;

/**
 * Runs a program with its arguments, without a shell (nothing in a path or name is interpreted), killed after
 * `timeoutMs`. Resolves with what happened; never rejects (a missing program is exit code null with its error).
 * `env`, when given, is the whole environment of the program (else it inherits this process's).
 */
export function runCommand(
  command: readonly string[],
  timeoutMs: number,
  options: { env?: Readonly<Record<string, string>> } = {},
): Promise<CommandOutcome> {
  const started = performance.now();
  const [program, ...args] = command;
  return new Promise((resolve) => {
    execFile(
      program as string,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 1024 * 1024,
        encoding: 'utf8',
        shell: false,
        ...(options.env === undefined ? {} : { env: { ...options.env } }),
      },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { killed?: boolean; signal?: string }) | null;
        const spawnError = failure !== null && typeof failure.code === 'string' ? failure.message : '';
        resolve({
          command: [...command],
          exitCode: failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null,
          signal: failure?.signal ?? null,
          timedOut: failure?.killed === true && failure.signal === 'SIGKILL',
          stdout: clip(stdout),
          stderr: clip(spawnError !== '' ? `${stderr}${spawnError}` : stderr),
          durationMs: Math.round(performance.now() - started),
        });
      },
    );
  });
}

/** Why a command failed, for people (`reload command "nginx -s reload" exited with 1: ...`), null when it succeeded. */
export function commandFailure(outcome: CommandOutcome, what: string): string | null {
  if (outcome.exitCode === 0) return null;
  const why = outcome.timedOut
    ? 'timed out'
    : outcome.exitCode === null
      ? `could not run${outcome.signal !== null ? ` (${outcome.signal})` : ''}`
      : `exited with ${outcome.exitCode}`;
  const detail = outcome.stderr.trim().split('\n').slice(-1)[0] ?? '';
  return `${what} ${JSON.stringify(outcome.command.join(' '))} ${why}${detail !== '' ? `: ${detail}` : ''}`;
}
