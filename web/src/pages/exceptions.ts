/** The exceptions (GET /v1/exceptions): each approved waiver, what it waives, why, and when it ends. */
import type { VNode } from 'preact';
import { day, relativeDays } from '../format.js';
import { html } from '../html.js';
import { useApi } from '../state.js';
import type { ExceptionItem, Page } from '../types.js';
import { Empty, StatusBadge, whenLoaded } from '../widgets.js';

export function ExceptionsPage(): VNode {
  const exceptions = useApi<Page<ExceptionItem>>('/v1/exceptions');
  return html`<section>
    <h1>Exceptions</h1>
    ${whenLoaded(exceptions, (page) =>
      page.items.length === 0
        ? html`<${Empty} text="No exceptions: every finding counts." />`
        : html`<table class="list exceptions">
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Waives</th>
                <th>Expires</th>
                <th>Reason</th>
                <th>Compensating control</th>
                <th>Approver</th>
              </tr>
            </thead>
            <tbody>
              ${page.items.map(
                (e) =>
                  html`<tr>
                    <td>${e.name}</td>
                    <td><${StatusBadge} status=${e.state} /></td>
                    <td>${e.waives.join(', ')}</td>
                    <td>${day(e.expires)} <span class="muted">${relativeDays(e.expires)}</span></td>
                    <td>${e.reason}</td>
                    <td>${e.compensatingControl}</td>
                    <td>${e.approver}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}
  </section>`;
}
