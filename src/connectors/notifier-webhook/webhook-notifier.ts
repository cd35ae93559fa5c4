import type { Notifier } from '../../core/ports/notifier.js';
import { postJson } from '../notifier-http/post-json.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { webhookPayload } from './webhook-payload.js';

/** Generic JSON webhook: one digest as webhook-payload.ts shapes it, signed with the contact's secret (signature.ts). */
export function createWebhookNotifier(): Notifier {
  return {
    channel: 'webhook',
    async deliver(digest, contact, { at, timeoutMs }) {
      if (contact.channel !== 'webhook')
        return { ok: false, error: `not a webhook contact: ${contact.channel}` };
      const body = JSON.stringify(webhookPayload(digest, at));
      return postJson(contact.url, body, {
        timeoutMs,
        headers: { [SIGNATURE_HEADER]: signatureHeader(contact.secret, at, body) },
      });
    },
  };
}
