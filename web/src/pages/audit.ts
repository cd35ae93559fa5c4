/** The audit trail (GET /v1/audit): every change and lifecycle step in order, a page at a time, by type and subject. */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { query } from '../api.js';
import { dateTime } from '../format.js';
import { html } from '../html.js';
import { href, navigate, useApi } from '../state.js';
import type { AuditEvent, Page } from '../types.js';
import { Empty, whenLoaded } from '../widgets.js';

const subjectLink = (subject: string): VNode =>
  /^[0-9a-f]{64}$/i.test(subject.replaceAll(':', ''))
    ? html`<a href=${href(`/certificates/${subject}`)}><code>${subject.slice(0, 16)}…</code></a>`
    : html`<span>${subject}</span>`;

export function AuditTable({ events }: { events: AuditEvent[] }): VNode {
  if (events.length === 0) return html`<${Empty} text="No audit events." />`;
  return html`<table class="list audit">
    <thead>
      <tr>
        <th>#</th>
        <th>At</th>
        <th>Event</th>
        <th>Actor</th>
        <th>Subject</th>
        <th>Data</th>
      </tr>
    </thead>
    <tbody>
      ${events.map(
        (e) =>
          html`<tr>
            <td class="num">${e.seq}</td>
            <td>${dateTime(e.at)}</td>
            <td><code>${e.type}</code></td>
            <td>${e.actor}</td>
            <td>${subjectLink(e.subject)}</td>
            <td class="data"><code>${JSON.stringify(e.data)}</code></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function AuditPage({ params }: { params: URLSearchParams }): VNode {
  const type = params.get('type') ?? '';
  const subject = params.get('subject') ?? '';
  const cursor = params.get('cursor') ?? '';
  const [form, setForm] = useState({ type, subject });
  const page = useApi<Page<AuditEvent>>(`/v1/audit${query({ type, subject, cursor, limit: 100 })}`);
  return html`<section>
    <h1>Audit trail</h1>
    <form
      class="filters"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        navigate('/audit', form);
      }}
    >
      <label
        >Event type
        <input
          name="type"
          value=${form.type}
          placeholder="e.g. certificate.revoked"
          onInput=${(e: Event) => setForm({ ...form, type: (e.target as HTMLInputElement).value })}
      /></label>
      <label
        >Subject
        <input
          name="subject"
          value=${form.subject}
          placeholder="fingerprint or name"
          onInput=${(e: Event) => setForm({ ...form, subject: (e.target as HTMLInputElement).value })}
      /></label>
      <button type="submit">Filter</button>
    </form>
    ${whenLoaded(
      page,
      (p) =>
        html`<${AuditTable} events=${p.items} />
          <div class="pager">
            <button
              disabled=${p.nextCursor === null}
              onClick=${() => p.nextCursor !== null && navigate('/audit', { type, subject, cursor: p.nextCursor })}
            >
              Next →
            </button>
          </div>`,
    )}
  </section>`;
}
