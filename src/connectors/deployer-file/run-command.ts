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
 */
export function runCommand(command: readonly string[], timeoutMs: number): Promise<CommandOutcome> {
  const started = performance.now();
  const [program, ...args] = command;
  return new Promise((resolve) => {
    execFile(
      program as string,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, encoding: 'utf8', shell: false },
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
