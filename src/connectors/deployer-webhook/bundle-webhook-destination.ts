import type { BundleDestination, TrustBundleWebhookSpec } from '../../core/ports/destination.js';
import { describeWebhook, postToWebhook, type WebhookContext } from './webhook-destination.js';

/** The JSON body a trust bundle's webhook destination POSTs (a contract: installers parse it). */
export interface TrustBundlePayload {
  type: 'custos.trust-bundle';
  action: 'deploy';
  /** The TrustBundle's name. */
  name: string;
  /** SHA-256 of `pem` (lower-case hex). */
  sha256: string;
  /** Every root and intermediate relying parties must trust now (PEM). */
  pem: string;
  sentAt: string;
}

/**
 * The `webhook` destination of trust bundles: POSTs the bundle (TrustBundlePayload) signed and authorised as a
 * managed certificate's webhook destination is. Any 2xx is installed; anything else is a failed delivery, retried
 * with backoff. An endpoint cannot be asked what it holds, so the reconciler posts only a bundle other than the
 * last one it accepted.
 */
export function createBundleWebhookDestination(
  options: WebhookContext,
): BundleDestination<TrustBundleWebhookSpec> {
  return {
    describe: describeWebhook,
    knowsWhatItHolds: false,
    async deliver(config, bundle) {
      const payload: TrustBundlePayload = {
        type: 'custos.trust-bundle',
        action: 'deploy',
        name: bundle.name,
        sha256: bundle.sha256,
        pem: bundle.pem,
        sentAt: options.now().toISOString(),
      };
      return { ...(await postToWebhook(options, config, payload)), changed: true };
    },
  };
}
