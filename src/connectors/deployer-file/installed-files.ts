/** What the file destinations (revisions and trust bundles) share: the installed content, and the reload. */
import { readFile } from 'node:fs/promises';
import { parseDuration } from '../../core/duration.js';
import type { CommandOutcome } from '../../core/ports/destination.js';
import { commandFailure, runCommand } from './run-command.js';

const DEFAULT_RELOAD_TIMEOUT_MS = 30_000;

/** A reload as declared: `reload: {command, timeout}` of a file destination. */
interface ReloadSpec {
  reload?: { command: string[]; timeout?: string };
}

/** The file's content, or null when there is none. */
export async function current(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Runs the declared reload command (none: null) without a shell, within its timeout. */
export async function reload(
  config: ReloadSpec,
  env: Readonly<Record<string, string>> | undefined,
): Promise<CommandOutcome | null> {
  if (config.reload === undefined) return null;
  const timeoutMs =
    config.reload.timeout === undefined
      ? DEFAULT_RELOAD_TIMEOUT_MS
      : parseDuration(config.reload.timeout, 'reload.timeout', { form: 'declared' });
  return runCommand(config.reload.command, timeoutMs, env === undefined ? {} : { env });
}

/** Why the reload failed (exit code, signal or timeout, with its output), or null when it did not. */
export const reloadError = (outcome: CommandOutcome | null): string | null =>
  outcome === null ? null : commandFailure(outcome, 'reload command');
