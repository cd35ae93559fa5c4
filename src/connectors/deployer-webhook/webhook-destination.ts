import { parseDuration } from '../../core/duration.js';
import type {
  Destination,
  DestinationOutcome,
  RevisionBundle,
  WebhookDestinationSpec,
} from '../../core/ports/destination.js';
import { postJsonFor } from '../notifier-http/post-json.js';
import { SIGNATURE_HEADER, signatureHeader } from '../notifier-webhook/signature.js';

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The JSON body a webhook destination POSTs (a contract: installers parse it). `deploy` carries the revision with
 * its private key in clear (hence https, or http to a loopback address only); `remove` names the certificate whose
 * files are to go.
 */
export type RevisionPayload =
  | {
      type: 'custos.revision';
      action: 'deploy';
      name: string;
      revision: number;
      fingerprintSha256: string;
      certificatePem: string;
      chainPem: string;
      fullchainPem: string;
      privateKeyPem: string;
      sentAt: string;
    }
  | { type: 'custos.revision'; action: 'remove'; name: string; sentAt: string };

/** The URL as the audit trail names it: no query, no credentials. */
const shown = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/** A webhook destination as people and the audit trail name it. */
export const describeWebhook = (config: Pick<WebhookDestinationSpec, 'url'>): string =>
  `webhook:${shown(config.url)}`;

/** The secrets and the time a webhook destination reads: the CUSTOS_* environment the composition root read. */
export interface WebhookContext {
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
}

/**
 * POSTs a payload (JSON) to a webhook destination (a managed certificate's or a trust bundle's), signed as webhook
 * notifications are (Custos-Signature: HMAC-SHA256 of `"<t>.<body>"` under the secret in `secretEnv`) and/or with
 * `Authorization: Bearer` from `bearerTokenEnv`. Any 2xx is success; never throws.
 */
export async function postToWebhook(
  options: WebhookContext,
  config: WebhookDestinationSpec,
  payload: { sentAt: string },
): Promise<DestinationOutcome> {
  const target = describeWebhook(config);
  const headers: Record<string, string> = {};
  const missing: string[] = [];
  const body = JSON.stringify(payload);
  if (config.secretEnv !== undefined) {
    const secret = options.env[config.secretEnv];
    if (secret === undefined || secret === '') missing.push(config.secretEnv);
    else headers[SIGNATURE_HEADER] = signatureHeader(secret, new Date(payload.sentAt), body);
  }
  if (config.bearerTokenEnv !== undefined) {
    const token = options.env[config.bearerTokenEnv];
    if (token === undefined || token === '') missing.push(config.bearerTokenEnv);
    else headers.authorization = `Bearer ${token}`;
  }
  if (missing.length > 0)
    return {
      ok: false,
      target,
      files: [],
      reload: null,
      error: `${missing.join(', ')} not set in the environment`,
    };
  const timeoutMs =
    config.timeout === undefined
      ? DEFAULT_WEBHOOK_TIMEOUT_MS
      : parseDuration(config.timeout, 'webhook.timeout', { form: 'declared' });
  const result = await postJsonFor(config.url, body, { timeoutMs, headers });
  return {
    ok: result.error === null,
    target,
    files: [],
    reload: null,
    http: { url: shown(config.url), status: result.status, durationMs: result.durationMs },
    error: result.error,
  };
}

/**
 * The `webhook` destination: POSTs the revision (JSON, RevisionPayload) to an endpoint that installs it, signed as
 * webhook notifications are (Custos-Signature: HMAC-SHA256 of `"<t>.<body>"` under the secret in `secretEnv`)
 * and/or with `Authorization: Bearer` from `bearerTokenEnv`. Any 2xx is installed; anything else (or no answer
 * within the timeout) fails the deploy step, which the reconciler retries with its backoff. The secrets come from
 * `env`, the CUSTOS_* environment the composition root read.
 */
export function createWebhookDestination(options: WebhookContext): Destination<WebhookDestinationSpec> {
  const post = (config: WebhookDestinationSpec, payload: RevisionPayload) =>
    postToWebhook(options, config, payload);
  return {
    describe: describeWebhook,
    deploy: (config, bundle: RevisionBundle) =>
      post(config, {
        type: 'custos.revision',
        action: 'deploy',
        name: bundle.name,
        revision: bundle.revision,
        fingerprintSha256: bundle.fingerprintSha256,
        certificatePem: bundle.certificatePem,
        chainPem: bundle.chainPem,
        fullchainPem: bundle.fullchainPem,
        privateKeyPem: bundle.privateKeyPem,
        sentAt: options.now().toISOString(),
      }),
    remove: (config, name) =>
      post(config, { type: 'custos.revision', action: 'remove', name, sentAt: options.now().toISOString() }),
  };
}
