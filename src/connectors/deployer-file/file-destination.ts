import { rm } from 'node:fs/promises';
import type {
  Destination,
  DestinationOutcome,
  FileDestinationSpec,
  RevisionBundle,
} from '../../core/ports/destination.js';
import { writeFileAtomic } from '../files/write-file-atomic.js';
import { current, reload, reloadError } from './installed-files.js';

/** The files a destination names, with what goes in each and its mode. */
function plannedFiles(config: FileDestinationSpec, bundle: RevisionBundle | null) {
  const mode = config.mode === undefined ? null : parseInt(config.mode, 8);
  const files: Array<{ path: string; data: string; mode: number }> = [
    { path: config.certificate, data: bundle?.certificatePem ?? '', mode: mode ?? 0o644 },
  ];
  if (config.chain !== undefined)
    files.push({ path: config.chain, data: bundle?.chainPem ?? '', mode: mode ?? 0o644 });
  if (config.fullchain !== undefined)
    files.push({ path: config.fullchain, data: bundle?.fullchainPem ?? '', mode: mode ?? 0o644 });
  files.push({ path: config.privateKey, data: bundle?.privateKeyPem ?? '', mode: mode ?? 0o600 });
  return files;
}

const describe = (config: FileDestinationSpec): string => `file:${config.certificate}`;

/**
 * The `file` destination: certificate, chain, full chain and key, each written atomically (temp file, fsync,
 * rename) with its mode; a file whose content changes is first copied to NAME.previous (rollback restores it), so
 * deploying the same revision twice keeps the true previous one. Then the reload command, without a shell, within
 * its timeout; its exit code and output come back for the audit trail.
 */
export function createFileDestination(
  options: {
    /** The whole environment of the reload command (the registry gives PATH, HOME and locale only, never
     * Custos's own secrets such as CUSTOS_KEK); without it the command inherits this process's. */
    env?: Readonly<Record<string, string>>;
  } = {},
): Destination<FileDestinationSpec> {
  return {
    describe,
    async deploy(config, bundle) {
      const files = plannedFiles(config, bundle);
      const written: string[] = [];
      try {
        for (const file of files) {
          const before = await current(file.path);
          if (before !== null && before.toString('utf8') !== file.data)
            await writeFileAtomic(`${file.path}.previous`, before, { mode: file.mode });
          await writeFileAtomic(file.path, file.data, { mode: file.mode });
          written.push(file.path);
        }
      } catch (error) {
        const outcome: DestinationOutcome = {
          ok: false,
          target: describe(config),
          files: written,
          reload: null,
          error: error instanceof Error ? error.message : String(error),
        };
        return outcome;
      }
      const outcome = await reload(config, options.env);
      const error = reloadError(outcome);
      return { ok: error === null, target: describe(config), files: written, reload: outcome, error };
    },
    async remove(config) {
      const removed: string[] = [];
      try {
        for (const file of plannedFiles(config, null)) {
          await rm(file.path, { force: true });
          removed.push(file.path);
        }
      } catch (error) {
        return {
          ok: false,
          target: describe(config),
          files: removed,
          reload: null,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      const outcome = await reload(config, options.env);
      const error = reloadError(outcome);
      return { ok: error === null, target: describe(config), files: removed, reload: outcome, error };
    },
  };
}
