import { createHash } from 'node:crypto';

/** The channels a notice can go out on (Lemur's "notification" plug-in kind): one Notifier per channel. */
export type ContactChannel = 'email' | 'slack' | 'webhook';

/** One place a notice is delivered to. */
export type Contact =
  | { channel: 'email'; address: string }
  | { channel: 'slack'; url: string }
  | { channel: 'webhook'; url: string; secret: string };

/** The contacts of one escalation level, as an Owner declares them (every list optional). */
export interface ContactSet {
  email?: readonly string[];
  slack?: readonly string[];
  webhooks?: readonly { url: string; secret: string }[];
}

/**
 * The view of an Owner that notifications need: level 0 is `contacts`; escalation level N (N >= 1) is
 * `escalation[N - 1]`, reached when the level-0 notice is still unacknowledged `afterMs` after it was first sent.
 */
export interface NotificationOwner {
  name: string;
  contacts: ContactSet;
  escalation: readonly { afterMs: number; contacts: ContactSet }[];
}

export function contactsOf(set: ContactSet): Contact[] {
  return [
    ...(set.email ?? []).map((address): Contact => ({ channel: 'email', address })),
    ...(set.slack ?? []).map((url): Contact => ({ channel: 'slack', url })),
    ...(set.webhooks ?? []).map((w): Contact => ({ channel: 'webhook', url: w.url, secret: w.secret })),
  ];
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * The stable identity of a contact inside notice keys. URLs are hashed: a Slack incoming-webhook URL is itself
 * a secret, and a webhook's secret never enters a key, a log line or an audit event.
 */
export function contactKey(contact: Contact): string {
  switch (contact.channel) {
    case 'email':
      return `email:${contact.address.trim().toLowerCase()}`;
    case 'slack':
      return `slack:${shortHash(contact.url)}`;
    case 'webhook':
      return `webhook:${shortHash(contact.url)}`;
  }
}

/** What a person may see of a contact: the address, or a URL's origin only (its path may carry a token). */
export function contactLabel(contact: Contact): string {
  if (contact.channel === 'email') return contact.address;
  let origin: string;
  try {
    origin = new URL(contact.url).origin;
  } catch {
    origin = 'invalid-url';
  }
  return `${origin}/… (${contactKey(contact).split(':')[1]})`;
}
