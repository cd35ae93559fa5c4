import { parseDuration } from '../duration.js';
import type { Contacts } from '../declarative/kinds/owner.js';
import type { OwnerObject } from '../declarative/objects.js';
import type { ContactSet, NotificationOwner } from './contact.js';

const contactSet = (contacts: Contacts): ContactSet => ({
  email: contacts.email ?? [],
  slack: contacts.slack ?? [],
  webhooks: (contacts.webhooks ?? []).map((w) => ({ url: w.url, secret: w.secret })),
});

/** The part of an Owner object that notifications use; escalation `after` durations in milliseconds. */
export function notificationOwner(owner: OwnerObject): NotificationOwner {
  return {
    name: owner.metadata.name,
    contacts: contactSet(owner.spec.contacts),
    escalation: (owner.spec.escalation ?? []).map((level) => ({
      afterMs: parseDuration(level.after, `owner ${owner.metadata.name}: escalation after`, {
        form: 'declared',
      }),
      contacts: contactSet(level.contacts),
    })),
  };
}
