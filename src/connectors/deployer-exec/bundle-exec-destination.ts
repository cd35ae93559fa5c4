import type { BundleDestination, BundleOutcome, TrustBundleExecSpec } from '../../core/ports/destination.js';
import { describeExec, runExec } from './exec-destination.js';

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
    deliver: async (config, bundle): Promise<BundleOutcome> => ({
      ...(await runExec(
        config,
        [{ variable: 'CUSTOS_BUNDLE_FILE', name: 'bundle.pem', content: bundle.pem, mode: 0o644 }],
        {
          ...options.base,
          CUSTOS_ACTION: 'deploy-bundle',
          CUSTOS_TRUST_BUNDLE_NAME: bundle.name,
          CUSTOS_BUNDLE_SHA256: bundle.sha256,
        },
      )),
      changed: true,
    }),
  };
}
