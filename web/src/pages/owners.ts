/** The owners (GET /v1/owners): each team, where its notices go and who is told next; a link to its certificates. */
import type { VNode } from 'preact';
import { html } from '../html.js';
import { href, useApi } from '../state.js';
import type { Contacts, Owner } from '../types.js';
import { Empty, whenLoaded } from '../widgets.js';

export function ContactsText({ contacts }: { contacts: Contacts }): VNode {
  const parts = [
    ...(contacts.email ?? []),
    ...(contacts.slack ?? []).map((url) => `slack ${new URL(url).host}`),
    ...(contacts.webhooks ?? []).map((w) => `webhook ${w.url}`),
  ];
  return html`<span>${parts.join(', ') || '-'}</span>`;
}

export function OwnersPage(): VNode {
  const owners = useApi<Owner[]>('/v1/owners');
  return html`<section>
    <h1>Owners</h1>
    ${whenLoaded(owners, (items) =>
      items.length === 0
        ? html`<${Empty} text="No owners yet: apply an Owner (docs/declarative.md)." />`
        : html`<table class="list owners">
            <thead>
              <tr>
                <th>Owner</th>
                <th>Contacts</th>
                <th>Escalation</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (o) =>
                  html`<tr data-owner=${o.metadata.name}>
                    <td>
                      <a href=${href(`/certificates?owner=${encodeURIComponent(o.metadata.name)}`)}
                        >${o.metadata.name}</a
                      >
                    </td>
                    <td><${ContactsText} contacts=${o.spec.contacts} /></td>
                    <td>
                      ${(o.spec.escalation ?? []).map(
                        (l) => html`<div>after ${l.after}: <${ContactsText} contacts=${l.contacts} /></div>`,
                      )}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}
  </section>`;
}
