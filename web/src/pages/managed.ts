/** The managed certificates (GET /v1/managed): readiness, current revision, next renewal, retries. */
import type { VNode } from 'preact';
import { dateTime, shortFingerprint } from '../format.js';
import { html } from '../html.js';
import { href, useApi } from '../state.js';
import type { ManagedItem } from '../types.js';
import { Empty, StatusBadge, whenLoaded } from '../widgets.js';

export function ManagedPage(): VNode {
  const managed = useApi<ManagedItem[]>('/v1/managed');
  return html`<section>
    <h1>Managed certificates</h1>
    ${whenLoaded(managed, (items) =>
      items.length === 0
        ? html`<${Empty} text="No managed certificates: apply a ManagedCertificate (docs/managed.md)." />`
        : html`<table class="list managed">
            <thead>
              <tr>
                <th>Name</th>
                <th>Ready</th>
                <th>Reason</th>
                <th>Revision</th>
                <th>Certificate</th>
                <th>Renews</th>
                <th>Next retry</th>
                <th>Issuer</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (m) =>
                  html`<tr data-managed=${m.name}>
                    <td>${m.name}</td>
                    <td><${StatusBadge} status=${m.ready} reason=${m.reason} /></td>
                    <td>${m.reason}</td>
                    <td class="num">${m.revision ?? '-'}</td>
                    <td>
                      ${m.fingerprintSha256 === null ? '-' : html`<a href=${href(`/certificates/${m.fingerprintSha256}`)}><code>${shortFingerprint(m.fingerprintSha256)}</code></a>`}
                    </td>
                    <td>${m.renewalTime === null ? '-' : dateTime(m.renewalTime)}</td>
                    <td>${m.nextRetry === null ? '-' : dateTime(m.nextRetry)}</td>
                    <td>${m.issuer}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}
  </section>`;
}
