/** The owners (GET /v1/owners): each team, where its notices go, who is told next, and its certificates. */
import type { VNode } from 'preact';
import { html } from '../html.js';
import { href, useApi } from '../state.js';
import type { Contacts, Owner, Page } from '../types.js';
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
  const owners = useApi<Page<Owner>>('/v1/owners');
  return html`<section>
    <h1>Owners</h1>
    ${whenLoaded(owners, (page) =>
      page.items.length === 0
        ? html`<${Empty} text="No owners yet: apply an Owner (docs/ownership.md)." />`
        : html`<table class="list owners">
            <thead>
              <tr>
                <th>Owner</th>
                <th>Certificates</th>
                <th>Contacts</th>
                <th>Escalation</th>
              </tr>
            </thead>
            <tbody>
              ${page.items.map(
                (o) =>
                  html`<tr data-owner=${o.name}>
                    <td>
                      <a href=${href(`/certificates?owner=${encodeURIComponent(o.name)}`)}>${o.name}</a>
                    </td>
                    <td class="num">${o.certificates ?? ''}</td>
                    <td><${ContactsText} contacts=${o.contacts} /></td>
                    <td>
                      ${(o.escalation ?? []).map((l) => html`<div>after ${l.after}: <${ContactsText} contacts=${l.contacts} /></div>`)}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}
  </section>`;
}
