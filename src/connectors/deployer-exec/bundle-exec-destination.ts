import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleDestination, BundleOutcome, TrustBundleExecSpec } from '../../core/ports/destination.js';
import { runCommand } from '../deployer-file/run-command.js';
import { describeExec, execOutcomeOf, execTimeoutOf } from './exec-destination.js';

/**
 * The `exec` destination of trust bundles, for appliances and scripts: the bundle is written to a private
 * temporary directory (0700), the command runs without a shell within its timeout, and the directory is removed
 * when it ends (the command copies what it needs). Its environment is `base` (PATH, HOME, locale: never Custos's
 * own secrets) plus CUSTOS_ACTION=deploy-bundle, CUSTOS_TRUST_BUNDLE_NAME, CUSTOS_BUNDLE_SHA256 and
 * CUSTOS_BUNDLE_FILE. Its exit code decides (0: installed); its output comes back for the audit trail. A command
 * cannot say what it holds, so the reconciler runs it only for a bundle other than the last one it installed.
 */
export function createBundleExecDestination(options: {
  base: Readonly<Record<string, string>>;
}): BundleDestination<TrustBundleExecSpec> {
  return {
    describe: describeExec,
    knowsWhatItHolds: false,
    async deliver(config, bundle): Promise<BundleOutcome> {
      let dir: string | null = null;
      try {
        dir = await mkdtemp(join(tmpdir(), 'custos-exec-'));
        const file = join(dir, 'bundle.pem');
        await writeFile(file, bundle.pem, { mode: 0o644 });
        const run = await runCommand(config.command, execTimeoutOf(config), {
          env: {
            ...options.base,
            CUSTOS_ACTION: 'deploy-bundle',
            CUSTOS_TRUST_BUNDLE_NAME: bundle.name,
            CUSTOS_BUNDLE_SHA256: bundle.sha256,
            CUSTOS_BUNDLE_FILE: file,
          },
        });
        return { ...execOutcomeOf(config, [], run), changed: true };
      } catch (error) {
        return {
          ok: false,
          changed: true,
          target: describeExec(config),
          files: [],
          reload: null,
          error: error instanceof Error ? error.message : String(error),
        };
      } finally {
        if (dir !== null) await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
