import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../../core/duration.js';
import type {
  CommandOutcome,
  Destination,
  DestinationOutcome,
  ExecDestinationSpec,
  RevisionBundle,
} from '../../core/ports/destination.js';
import { commandFailure, runCommand } from '../deployer-file/run-command.js';

export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

/** An exec destination (a managed certificate's or a trust bundle's) as people and the audit trail name it. */
export const describeExec = (config: Pick<ExecDestinationSpec, 'command'>): string =>
  `exec:${config.command.join(' ')}`;

export const execTimeoutOf = (config: Pick<ExecDestinationSpec, 'timeout'>): number =>
  config.timeout === undefined
    ? DEFAULT_EXEC_TIMEOUT_MS
    : parseDuration(config.timeout, 'exec.timeout', { form: 'declared' });

export const execOutcomeOf = (
  config: Pick<ExecDestinationSpec, 'command'>,
  files: string[],
  run: CommandOutcome,
): DestinationOutcome => {
  const error = commandFailure(run, 'command');
  return { ok: error === null, target: describeExec(config), files, reload: run, error };
};

/**
 * The `exec` destination, for appliances and scripts: the revision is written to a private temporary directory
 * (0700; the key 0600), the command runs without a shell within its timeout with the paths and the revision in its
 * environment, and the directory is removed when it ends: the command copies what it needs. Its exit code decides
 * (0: installed); its output comes back for the audit trail. At teardown the same command runs with
 * CUSTOS_ACTION=remove and no files.
 *
 * The command's environment is `base` (PATH, HOME, locale: never Custos's own secrets) plus:
 * CUSTOS_ACTION (deploy|remove), CUSTOS_MANAGED_NAME, and on deploy CUSTOS_REVISION, CUSTOS_FINGERPRINT_SHA256,
 * CUSTOS_CERTIFICATE_FILE, CUSTOS_CHAIN_FILE, CUSTOS_FULLCHAIN_FILE, CUSTOS_PRIVATE_KEY_FILE.
 */
export function createExecDestination(options: {
  base: Readonly<Record<string, string>>;
}): Destination<ExecDestinationSpec> {
  return {
    describe: describeExec,
    async deploy(config, bundle: RevisionBundle) {
      let dir: string | null = null;
      try {
        dir = await mkdtemp(join(tmpdir(), 'custos-exec-'));
        const paths = {
          CUSTOS_CERTIFICATE_FILE: join(dir, 'certificate.pem'),
          CUSTOS_CHAIN_FILE: join(dir, 'chain.pem'),
          CUSTOS_FULLCHAIN_FILE: join(dir, 'fullchain.pem'),
          CUSTOS_PRIVATE_KEY_FILE: join(dir, 'private-key.pem'),
        };
        await writeFile(paths.CUSTOS_CERTIFICATE_FILE, bundle.certificatePem, { mode: 0o644 });
        await writeFile(paths.CUSTOS_CHAIN_FILE, bundle.chainPem, { mode: 0o644 });
        await writeFile(paths.CUSTOS_FULLCHAIN_FILE, bundle.fullchainPem, { mode: 0o644 });
        await writeFile(paths.CUSTOS_PRIVATE_KEY_FILE, bundle.privateKeyPem, { mode: 0o600 });
        const run = await runCommand(config.command, execTimeoutOf(config), {
          env: {
            ...options.base,
            CUSTOS_ACTION: 'deploy',
            CUSTOS_MANAGED_NAME: bundle.name,
            CUSTOS_REVISION: String(bundle.revision),
            CUSTOS_FINGERPRINT_SHA256: bundle.fingerprintSha256,
            ...paths,
          },
        });
        return execOutcomeOf(config, [], run);
      } catch (error) {
        return {
          ok: false,
          target: describeExec(config),
          files: [],
          reload: null,
          error: error instanceof Error ? error.message : String(error),
        };
      } finally {
        if (dir !== null) await rm(dir, { recursive: true, force: true });
      }
    },
    async remove(config, name) {
      const run = await runCommand(config.command, execTimeoutOf(config), {
        env: { ...options.base, CUSTOS_ACTION: 'remove', CUSTOS_MANAGED_NAME: name },
      });
      return execOutcomeOf(config, [], run);
    },
  };
}
