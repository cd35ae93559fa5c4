import type { Contact, ContactChannel } from '../notify/contact.js';
import type { Notice } from '../notify/notice.js';

/** What one delivery attempt came to. A notifier never throws: a failure is an outcome with a reason. */
export type DeliveryOutcome = { ok: true } | { ok: false; error: string };

/**
 * A notification channel (Lemur's "notification" plug-in kind): delivers one notice to one contact of its
 * channel. `at` is the moment of sending (timestamps, signatures); `timeoutMs` bounds the whole attempt.
 */
export interface Notifier {
  readonly channel: ContactChannel;
  deliver(
    notice: Notice,
    contact: Contact,
    options: { at: Date; timeoutMs: number },
  ): Promise<DeliveryOutcome>;
}

/** The notifiers configured, by channel; chosen through this explicit map, never by import side effects. */
export type NotifierRegistry = Partial<Record<ContactChannel, Notifier>>;
