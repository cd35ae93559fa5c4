import type { Contact, ContactChannel } from '../notify/contact.js';
import type { Digest } from '../notify/digest.js';

/** What one delivery attempt came to. A notifier never throws: a failure is an outcome with a reason. */
export type DeliveryOutcome = { ok: true } | { ok: false; error: string };

/**
 * A notification channel (Lemur's "notification" plug-in kind): delivers one digest (every notice due for one
 * owner's contact in a run) to that contact, as one message. `at` is the moment of sending (timestamps, signatures,
 * the time left to each certificate); `timeoutMs` bounds the whole attempt.
 */
export interface Notifier {
  readonly channel: ContactChannel;
  deliver(
    digest: Digest,
    contact: Contact,
    options: { at: Date; timeoutMs: number },
  ): Promise<DeliveryOutcome>;
}

/** The notifiers configured, by channel; chosen through this explicit map, never by import side effects. */
export type NotifierRegistry = Partial<Record<ContactChannel, Notifier>>;
