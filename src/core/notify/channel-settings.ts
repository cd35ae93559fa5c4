import type { OwnerObject } from '../declarative/objects.js';
import type { NotifierRegistry } from '../ports/notifier.js';
import { contactLabel, contactsOf, type ContactChannel } from './contact.js';
import { notificationOwner } from './notification-owner.js';

/** Why a contact on a channel that is off gets nothing, with what to set. */
export function channelOffError(channel: ContactChannel): string {
  const hint =
    channel === 'email'
      ? ' (set smtp.url and smtp.from in custos.yaml, or CUSTOS_SMTP_URL and CUSTOS_SMTP_FROM)'
      : '';
  return `the ${channel} channel is not configured${hint}`;
}

/** A contact an Owner declares on a channel that is off: `custos apply` says so, and applies all the same. */
export interface ContactWarning {
  owner: string;
  channel: ContactChannel;
  /** The contact as a person may see it (an address, or a URL's origin). */
  contact: string;
  message: string;
}

/**
 * The contacts of these Owners (their own and every escalation level's) that `notify run` could not reach with the
 * notifiers configured: an email contact without SMTP above all. One warning per owner and contact.
 */
export function unreachableContacts(
  owners: readonly OwnerObject[],
  notifiers: NotifierRegistry,
): ContactWarning[] {
  const warnings: ContactWarning[] = [];
  for (const object of owners) {
    const owner = notificationOwner(object);
    const seen = new Set<string>();
    const levels = [owner.contacts, ...owner.escalation.map((level) => level.contacts)];
    for (const contact of levels.flatMap(contactsOf)) {
      const label = contactLabel(contact);
      if (notifiers[contact.channel] !== undefined || seen.has(label)) continue;
      seen.add(label);
      warnings.push({
        owner: owner.name,
        channel: contact.channel,
        contact: label,
        message: `Owner/${owner.name}: ${contact.channel} contact ${label} will get no notices: ${channelOffError(contact.channel)}`,
      });
    }
  }
  return warnings;
}
