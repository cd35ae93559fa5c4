import { rm } from 'node:fs/promises';
import type { BundleDestination, BundleOutcome, TrustBundleFileSpec } from '../../core/ports/destination.js';
import { writeFileAtomic } from '../files/write-file-atomic.js';
import { current, reload, reloadError } from './installed-files.js';

const describe = (config: TrustBundleFileSpec): string => `file:${config.path}`;

/**
 * The `file` destination of trust bundles: when the file does not hold the bundle already, the previous one is kept
 * as PATH.previous, the bundle written atomically (temp file, fsync, rename) with its mode (default 0644), then the
 * reload command run (e.g. `update-ca-certificates`). A file that holds the bundle is left alone, reload and all.
 * When the reload fails, the file gets its previous content back (or goes, if there was none), so the file and what
 * the reloaded program uses agree, and the next delivery writes and reloads again.
 */
export function createBundleFileDestination(
  options: { env?: Readonly<Record<string, string>> } = {},
): BundleDestination<TrustBundleFileSpec> {
  return {
    async deliver(config, pem): Promise<BundleOutcome> {
      const target = describe(config);
      const mode = config.mode === undefined ? 0o644 : parseInt(config.mode, 8);
      let before: Buffer | null;
      try {
        before = await current(config.path);
        if (before !== null && before.toString('utf8') === pem)
          return { ok: true, changed: false, target, files: [], reload: null, error: null };
        if (before !== null) await writeFileAtomic(`${config.path}.previous`, before, { mode });
        await writeFileAtomic(config.path, pem, { mode });
      } catch (error) {
        return {
          ok: false,
          changed: true,
          target,
          files: [],
          reload: null,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      const outcome = await reload(config, options.env);
      const error = reloadError(outcome);
      if (error !== null) {
        const restored = before;
        const undo =
          restored === null
            ? rm(config.path, { force: true })
            : writeFileAtomic(config.path, restored, { mode });
        await undo.catch(() => undefined); // the error already says what failed; the next delivery writes again
      }
      return { ok: error === null, changed: true, target, files: [config.path], reload: outcome, error };
    },
  };
}
