/** The exceptions (GET /v1/exceptions): each approved waiver, what it waives, why, and when it ends. */
import type { VNode } from 'preact';
import { day, relativeDays } from '../format.js';
import { html } from '../html.js';
import { useApi } from '../state.js';
import type { ExceptionObject } from '../types.js';
import { Empty, StatusBadge, whenLoaded } from '../widgets.js';

const DAY = 86_400_000;

/** As `custos exceptions list` says it: expired (waives nothing), expiring (within 14 days) or active. */
function state(expires: string, now: number): string {
  const left = new Date(expires).getTime() - now;
  return left <= 0 ? 'expired' : left <= 14 * DAY ? 'expiring' : 'active';
}

export function ExceptionsPage(): VNode {
  const exceptions = useApi<ExceptionObject[]>('/v1/exceptions');
  const now = Date.now();
  return html`<section>
    <h1>Exceptions</h1>
    ${whenLoaded(exceptions, (items) =>
      items.length === 0
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
              ${items.map(
                ({ metadata, spec }) =>
                  html`<tr>
                    <td>${metadata.name}</td>
                    <td><${StatusBadge} status=${state(spec.expires, now)} /></td>
                    <td>${spec.waives.join(', ')}</td>
                    <td>
                      ${day(spec.expires)} <span class="muted">${relativeDays(spec.expires, now)}</span>
                    </td>
                    <td>${spec.reason}</td>
                    <td>${spec.compensatingControl}</td>
                    <td>${spec.approver}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}
  </section>`;
}
