/** Small pieces every page uses: errors, loading, badges, key-value lists. */
import type { VNode } from 'preact';
import { ApiError } from './api.js';
import { html } from './html.js';
import type { Loaded } from './state.js';
import type { Severity } from './types.js';

export function ErrorBox({ error }: { error: Error }): VNode {
  const code = error instanceof ApiError ? html`<code>${error.code}</code> ` : '';
  return html`<div class="error" role="alert">${code}${error.message}</div>`;
}

/** The page's body once `loaded` has data; meanwhile a loading line, or the error. */
export function whenLoaded<T>(loaded: Loaded<T>, body: (data: T) => VNode): VNode {
  if (loaded.error !== undefined) return html`<${ErrorBox} error=${loaded.error} />`;
  if (loaded.data === undefined) return html`<p class="muted">Loading…</p>`;
  return body(loaded.data);
}

export const SeverityBadge = ({ severity }: { severity: Severity | string }): VNode =>
  html`<span class=${`badge sev-${severity}`}>${severity}</span>`;

/** A status word; its colour says whether it is good news (`tone`, else judged from the word itself). */
export const StatusBadge = ({
  status,
  reason,
  tone,
}: {
  status: string;
  reason?: string;
  tone?: 'good' | 'bad' | 'warn' | 'none';
}): VNode =>
  html`<span
    class=${`badge ${tone === undefined ? `status-${status.toLowerCase()}` : `tone-${tone}`}`}
    title=${reason ?? ''}
    >${status}</span
  >`;

export function Fields({ rows }: { rows: Array<[string, unknown]> }): VNode {
  return html`<dl class="fields">
    ${rows.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v}</dd>`,
    )}
  </dl>`;
}

export function Empty({ text }: { text: string }): VNode {
  return html`<p class="muted empty">${text}</p>`;
}
