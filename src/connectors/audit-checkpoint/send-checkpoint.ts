import type { AuditCheckpoint } from '../../core/audit/audit-seal.js';
import { DomainError } from '../../core/errors.js';
import { postJson } from '../notifier-http/post-json.js';
import { signatureHeader, SIGNATURE_HEADER } from '../notifier-webhook/signature.js';

/**
 * Sends a checkpoint to a webhook as JSON, signed as notifications are (Custos-Signature, HMAC-SHA-256 of
 * `"<t>.<body>"`) when a secret is given; the body carries its own Ed25519 signature either way.
 */
export async function sendCheckpoint(
  url: string,
  checkpoint: AuditCheckpoint,
  options: { secret?: string; at: Date },
): Promise<void> {
  const body = JSON.stringify(checkpoint);
  const secret = options.secret;
  const outcome = await postJson(url, body, {
    timeoutMs: 10_000,
    headers: secret ? { [SIGNATURE_HEADER]: signatureHeader(secret, options.at, body) } : {},
  });
  if (!outcome.ok) {
    throw new DomainError(
      'CUSTOS_CHECKPOINT_NOT_SENT',
      `The checkpoint was not delivered: ${outcome.error}.`,
      {
        hint: 'The checkpoint was printed; send it again or keep the printed copy.',
      },
    );
  }
}
