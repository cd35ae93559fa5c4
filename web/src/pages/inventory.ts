/**
 * The inventory: one page of certificates at a time from GET /v1/certificates, filtered, sorted and paged by the
 * server (cursor pagination), so it stays fast however large the inventory is. The filters live in the URL, so a
 * filtered view can be shared and the browser's back button works.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { query } from '../api.js';
import {
  day,
  displayName,
  expired,
  locationText,
  plural,
  relativeDays,
  shortFingerprint,
} from '../format.js';
import { html } from '../html.js';
import { href, navigate, useApi } from '../state.js';
import type { Certificate, Page } from '../types.js';
import { Empty, SeverityBadge, whenLoaded } from '../widgets.js';

const PAGE_SIZE = 50;
const FILTERS = [
  'q',
  'finding',
  'expiringWithin',
  'owner',
  'unowned',
  'environment',
  'locationKind',
] as const;
/** Suggested finding codes; any code (lint-*, a policy's) can be typed (README: Findings). */
const FINDINGS = [
  'expired',
  'expiring-soon',
  'unowned',
  'stale-deployment',
  'weak-key',
  'incomplete-chain',
  'hostname-mismatch',
  'self-signed',
  'long-validity',
  'weak-signature',
  'key-type-not-allowed',
  'validity-too-long',
];
const WINDOWS = ['7d', '30d', '90d', '180d'];
const LOCATION_KINDS = ['tls', 'file', 'k8s-secret', 'agent', 'issued'];
/** The orders the server can list in: by notAfter either way, by subject, by owner (unowned first). */
const NEXT_SORT: Record<string, string> = {
  notAfter: '-notAfter',
  '-notAfter': 'notAfter',
  subject: 'subject',
  owner: 'owner',
};

type Params = Record<string, string>;

/** The text filters are applied together when the form is submitted (Enter or Search); the others at once. */
const TEXT_FILTERS = ['q', 'finding', 'owner', 'environment'] as const;

function Filters({ params }: { params: Params }): VNode {
  const set = (changes: Params): void => navigate('/certificates', { ...params, ...changes, cursor: '' });
  const select = (key: string, label: string, options: string[]): VNode =>
    html`<label
      >${label}
      <select
        name=${key}
        value=${params[key] ?? ''}
        onChange=${(e: Event) => set({ [key]: (e.target as HTMLSelectElement).value })}
      >
        <option value="">any</option>
        ${options.map((o) => html`<option value=${o}>${o}</option>`)}
      </select></label
    >`;
  // Keyed by the URL's value, so the field shows the filter in force after back, clear or a link.
  const input = (key: string, label: string, placeholder: string, list?: string): VNode =>
    html`<label
      >${label}
      <input
        key=${params[key] ?? ''}
        name=${key}
        list=${list}
        defaultValue=${params[key] ?? ''}
        placeholder=${placeholder}
    /></label>`;
  return html`<form
    class="filters"
    onSubmit=${(e: Event) => {
      e.preventDefault();
      const form = new FormData(e.currentTarget as HTMLFormElement);
      set(Object.fromEntries(TEXT_FILTERS.map((key) => [key, String(form.get(key) ?? '').trim()])));
    }}
  >
    <input
      class="search"
      key=${params.q ?? ''}
      name="q"
      type="search"
      placeholder="Search name, fingerprint or owner"
      defaultValue=${params.q ?? ''}
    />
    <button type="submit">Search</button>
    ${input('finding', 'Finding', 'e.g. expired', 'finding-codes')}
    <datalist id="finding-codes">${FINDINGS.map((code) => html`<option value=${code} />`)}</datalist>
    ${select('expiringWithin', 'Expiring within', WINDOWS)} ${input('owner', 'Owner', 'team name')}
    ${input('environment', 'Environment', 'e.g. prod')} ${select('locationKind', 'Location', LOCATION_KINDS)}
    <label
      ><input
        type="checkbox"
        name="unowned"
        checked=${params.unowned === 'true'}
        onChange=${(e: Event) => set({ unowned: (e.target as HTMLInputElement).checked ? 'true' : '' })}
      />
      unowned only</label
    >
    ${FILTERS.some((f) => params[f]) ? html`<a class="clear" href=${href('/certificates')}>clear filters</a>` : ''}
  </form>`;
}

function Row({ c, now }: { c: Certificate; now: number }): VNode {
  const open = c.findings.filter((f) => f.waivedBy === undefined);
  return html`<tr data-fingerprint=${c.fingerprintSha256}>
    <td><a href=${href(`/certificates/${c.fingerprintSha256}`)}>${displayName(c)}</a></td>
    <td class=${expired(c.notAfter, now) ? 'bad' : ''}>
      ${day(c.notAfter)} <span class="muted">${relativeDays(c.notAfter, now)}</span>
    </td>
    <td>${c.owner ?? html`<span class="muted">unowned</span>`}</td>
    <td>
      ${c.locations.length === 1 ? locationText(c.locations[0]!) : plural(c.locations.length, 'location')}
    </td>
    <td>${open.map((f) => html`<${SeverityBadge} severity=${f.severity} /> ${f.code} `)}</td>
    <td><code>${shortFingerprint(c.fingerprintSha256)}</code></td>
  </tr>`;
}

export function InventoryPage({ params: search }: { params: URLSearchParams }): VNode {
  const params: Params = Object.fromEntries(search.entries());
  const sort = params.sort ?? 'notAfter';
  const path = `/v1/certificates${query({ ...Object.fromEntries(FILTERS.map((f) => [f, params[f]])), sort, limit: PAGE_SIZE, cursor: params.cursor })}`;
  const page = useApi<Page<Certificate>>(path);
  // The cursors of the pages before this one, so "previous" can go back (cursors only point forward).
  const [previous, setPrevious] = useState<string[]>([]);
  const go = (cursor: string, back: string[]): void => {
    setPrevious(back);
    navigate('/certificates', { ...params, cursor });
  };
  const sortHeader = (key: string, label: string): VNode => {
    const on = sort.replace('-', '') === key;
    const next = on ? (NEXT_SORT[sort] ?? key) : key;
    return html`<th aria-sort=${on ? (sort.startsWith('-') ? 'descending' : 'ascending') : 'none'}>
      <button class="sort" onClick=${() => navigate('/certificates', { ...params, sort: next, cursor: '' })}>
        ${label}${on ? (sort.startsWith('-') ? ' ▼' : ' ▲') : ''}
      </button>
    </th>`;
  };
  const now = Date.now();
  return html`<section>
    <h1>Inventory</h1>
    <${Filters} params=${params} />
    ${whenLoaded(
      page,
      (p) =>
        html`<table class="list inventory" aria-busy=${page.loading ? 'true' : 'false'}>
            <thead>
              <tr>
                ${sortHeader('subject', 'Name')} ${sortHeader('notAfter', 'Not after')}
                ${sortHeader('owner', 'Owner')}
                <th>Location</th>
                <th>Open findings</th>
                <th>Fingerprint</th>
              </tr>
            </thead>
            <tbody>
              ${p.items.map((c) => html`<${Row} key=${c.fingerprintSha256} c=${c} now=${now} />`)}
            </tbody>
          </table>
          ${p.items.length === 0 ? html`<${Empty} text="No certificate matches these filters." />` : ''}
          <div class="pager">
            <button
              disabled=${params.cursor === undefined}
              onClick=${() => go(previous.at(-1) ?? '', previous.slice(0, -1))}
            >
              ← Previous
            </button>
            <span class="muted" data-testid="page-count"
              >${plural(p.items.length, 'certificate')} on this page</span
            >
            <button
              disabled=${p.nextCursor === null}
              onClick=${() => p.nextCursor !== null && go(p.nextCursor, [...previous, params.cursor ?? ''])}
            >
              Next →
            </button>
          </div>`,
    )}
  </section>`;
}
