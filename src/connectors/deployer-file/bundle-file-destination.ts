import { rm, stat } from 'node:fs/promises';
import type { BundleDestination, BundleOutcome, TrustBundleFileSpec } from '../../core/ports/destination.js';
import { writeFileAtomic } from '../files/write-file-atomic.js';
import { current, reload, reloadError } from './installed-files.js';

const describe = (config: TrustBundleFileSpec): string => `file:${config.path}`;

/** The permission bits of the file, or null when there is none. */
async function modeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The `file` destination of trust bundles: when the file does not hold the bundle already (content and mode), the
 * previous one is kept as PATH.previous, the bundle written atomically (temp file, fsync, rename) with its mode
 * (default 0644), then the reload command run (e.g. `update-ca-certificates`). A file that holds the bundle is left
 * alone, reload and all. Before writing, a marker PATH.custos-pending is written, and it goes only once the reload
 * succeeded: a reload that failed, or a process killed between the write and the end of the reload, leaves it, so
 * the next delivery reloads again although the file already holds the bundle.
 */
export function createBundleFileDestination(
  options: { env?: Readonly<Record<string, string>> } = {},
): BundleDestination<TrustBundleFileSpec> {
  return {
    describe,
    knowsWhatItHolds: true,
    async deliver(config, { pem }): Promise<BundleOutcome> {
      const target = describe(config);
      const mode = config.mode === undefined ? 0o644 : parseInt(config.mode, 8);
      const pending = `${config.path}.custos-pending`;
      const failed = (error: unknown, files: string[]): BundleOutcome => ({
        ok: false,
        changed: true,
        target,
        files,
        reload: null,
        error: error instanceof Error ? error.message : String(error),
      });
      try {
        const before = await current(config.path);
        const holds =
          before !== null && before.toString('utf8') === pem && (await modeOf(config.path)) === mode;
        const reloadOwed = (await current(pending)) !== null;
        if (holds && !reloadOwed)
          return { ok: true, changed: false, target, files: [], reload: null, error: null };
        await writeFileAtomic(pending, 'custos: this trust bundle is to be reloaded\n', { mode: 0o600 });
        if (!holds) {
          if (before !== null) await writeFileAtomic(`${config.path}.previous`, before, { mode });
          await writeFileAtomic(config.path, pem, { mode });
        }
      } catch (error) {
        return failed(error, []);
      }
      const outcome = await reload(config, options.env);
      const error = reloadError(outcome);
      if (error === null)
        try {
          await rm(pending, { force: true });
        } catch (cause) {
          return { ...failed(cause, [config.path]), reload: outcome };
        }
      return { ok: error === null, changed: true, target, files: [config.path], reload: outcome, error };
    },
  };
}
