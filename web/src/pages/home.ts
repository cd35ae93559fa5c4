/** The overview: the headline numbers and the expiry timeline, from GET /v1/summary. */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { href, useApi } from '../state.js';
import type { Summary } from '../types.js';
import { whenLoaded } from '../widgets.js';
import { Timeline, type StackBy } from './timeline.js';

/** Each headline number, and the inventory filter that lists the certificates it counts. */
type Headline =
  | 'expired'
  | 'expiringIn7Days'
  | 'expiringIn30Days'
  | 'unowned'
  | 'staleDeployments'
  | 'openFindings'
  | 'waivedByException';
const HEADLINES: Array<{ key: Headline; label: string; link: string | null; alarm: boolean }> = [
  { key: 'expired', label: 'Expired', link: '/certificates?finding=expired', alarm: true },
  {
    key: 'expiringIn7Days',
    label: 'Expiring in 7 days',
    link: '/certificates?expiringWithin=7d',
    alarm: true,
  },
  {
    key: 'expiringIn30Days',
    label: 'Expiring in 30 days',
    link: '/certificates?expiringWithin=30d',
    alarm: false,
  },
  { key: 'unowned', label: 'Unowned', link: '/certificates?unowned=true', alarm: true },
  {
    key: 'staleDeployments',
    label: 'Stale deployments',
    link: '/certificates?finding=stale-deployment',
    alarm: false,
  },
  { key: 'openFindings', label: 'Open findings', link: null, alarm: false },
  { key: 'waivedByException', label: 'Waived by exception', link: '/exceptions', alarm: false },
];

export function HomePage(): VNode {
  const summary = useApi<Summary>('/v1/summary');
  const [stackBy, setStackBy] = useState<StackBy>('owner');
  return whenLoaded(
    summary,
    (s) =>
      html`<section>
        <h1>Overview</h1>
        <p class="muted">${s.certificates.toLocaleString('en')} certificates in the inventory.</p>
        <div class="headlines">
          ${HEADLINES.map(({ key, label, link, alarm }) => {
            const value = s[key];
            const body = html`<span class="value">${value.toLocaleString('en')}</span
              ><span class="label">${label}</span>`;
            const cls = `headline${alarm && value > 0 ? ' alarm' : ''}`;
            return link === null
              ? html`<div class=${cls} data-testid=${`headline-${key}`}>${body}</div>`
              : html`<a class=${cls} data-testid=${`headline-${key}`} href=${href(link)}>${body}</a>`;
          })}
        </div>
        <h2>
          Expiring per week, next 26 weeks
          <span class="toggle">
            stacked by
            ${(['owner', 'severity'] as const).map(
              (by) =>
                html`<button class=${stackBy === by ? 'on' : ''} onClick=${() => setStackBy(by)}>
                  ${by}
                </button>`,
            )}
          </span>
        </h2>
        <${Timeline} weeks=${s.timeline} stackBy=${stackBy} />
      </section>`,
  );
}
