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

const execTimeoutOf = (config: Pick<ExecDestinationSpec, 'timeout'>): number =>
  config.timeout === undefined
    ? DEFAULT_EXEC_TIMEOUT_MS
    : parseDuration(config.timeout, 'exec.timeout', { form: 'declared' });

const execOutcomeOf = (
  config: Pick<ExecDestinationSpec, 'command'>,
  run: CommandOutcome,
): DestinationOutcome => {
  const error = commandFailure(run, 'command');
  return { ok: error === null, target: describeExec(config), files: [], reload: run, error };
};

/** A file handed to an exec command: the variable naming its path, its name, content and mode. */
interface ExecFile {
  variable: string;
  name: string;
  content: string;
  mode: number;
}

/**
 * Runs an exec destination's command (a managed certificate's or a trust bundle's) with `files` written to a
 * private temporary directory (0700) whose paths are in its environment beside `env`, and removes the directory when
 * it ends. Never throws: a failure is an outcome with its error.
 */
export async function runExec(
  config: Pick<ExecDestinationSpec, 'command' | 'timeout'>,
  files: readonly ExecFile[],
  env: Readonly<Record<string, string>>,
): Promise<DestinationOutcome> {
  let dir: string | null = null;
  try {
    const paths: Record<string, string> = {};
    if (files.length > 0) {
      dir = await mkdtemp(join(tmpdir(), 'custos-exec-'));
      for (const file of files) {
        paths[file.variable] = join(dir, file.name);
        await writeFile(paths[file.variable]!, file.content, { mode: file.mode });
      }
    }
    return execOutcomeOf(
      config,
      await runCommand(config.command, execTimeoutOf(config), { env: { ...env, ...paths } }),
    );
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
}

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
    deploy: (config, bundle: RevisionBundle) =>
      runExec(
        config,
        [
          {
            variable: 'CUSTOS_CERTIFICATE_FILE',
            name: 'certificate.pem',
            content: bundle.certificatePem,
            mode: 0o644,
          },
          { variable: 'CUSTOS_CHAIN_FILE', name: 'chain.pem', content: bundle.chainPem, mode: 0o644 },
          {
            variable: 'CUSTOS_FULLCHAIN_FILE',
            name: 'fullchain.pem',
            content: bundle.fullchainPem,
            mode: 0o644,
          },
          {
            variable: 'CUSTOS_PRIVATE_KEY_FILE',
            name: 'private-key.pem',
            content: bundle.privateKeyPem,
            mode: 0o600,
          },
        ],
        {
          ...options.base,
          CUSTOS_ACTION: 'deploy',
          CUSTOS_MANAGED_NAME: bundle.name,
          CUSTOS_REVISION: String(bundle.revision),
          CUSTOS_FINGERPRINT_SHA256: bundle.fingerprintSha256,
        },
      ),
    remove: (config, name) =>
      runExec(config, [], { ...options.base, CUSTOS_ACTION: 'remove', CUSTOS_MANAGED_NAME: name }),
  };
}
