/**
 * What a principal can do to a certificate from its page, each shown only when the principal's scopes allow it (the
 * server checks again): renew the managed certificate, assign an owner and acknowledge a finding (`write`), revoke
 * (`issue`). Each action POSTs to /v1 and reloads the page's data when it succeeds.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { html } from '../html.js';
import { can, useMe } from '../state.js';
import { ErrorBox } from '../widgets.js';

/** Runs one action at a time, keeping its error or its done message. */
function useAction(done: () => void): {
  busy: boolean;
  error: Error | undefined;
  message: string | undefined;
  run(label: string, path: string, body?: unknown): void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const run = (label: string, path: string, body: unknown = {}): void => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    post(path, body).then(
      () => {
        setBusy(false);
        setMessage(label);
        done();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  };
  return { busy, error, message, run };
}

export interface CertificateActionsProps {
  fingerprint: string;
  managedName: string | null;
  owner: string | null;
  revoked: boolean;
  reload(): void;
}

const REASONS = ['unspecified', 'keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged'];

export function CertificateActions(props: CertificateActionsProps): VNode {
  const me = useMe();
  const action = useAction(props.reload);
  const [owner, setOwner] = useState(props.owner ?? '');
  const [reason, setReason] = useState('superseded');
  const fp = encodeURIComponent(props.fingerprint);
  const parts: VNode[] = [];
  if (props.managedName !== null && can(me, 'write'))
    parts.push(
      html`<button
        disabled=${action.busy}
        onClick=${() => action.run(`Renewal of ${props.managedName} started.`, `/v1/managed/${encodeURIComponent(props.managedName ?? '')}/renew`)}
      >
        Renew now
      </button>`,
    );
  if (can(me, 'write') && me.owner === null)
    parts.push(
      html`<form
        class="inline"
        onSubmit=${(e: Event) => {
          e.preventDefault();
          action.run(`Owner set to ${owner}.`, `/v1/certificates/${fp}/owner`, { owner });
        }}
      >
        <label
          >Owner
          <input
            name="owner"
            value=${owner}
            onInput=${(e: Event) => setOwner((e.target as HTMLInputElement).value)}
        /></label>
        <button type="submit" disabled=${action.busy || owner.trim() === ''}>Assign owner</button>
      </form>`,
    );
  if (!props.revoked && can(me, 'issue'))
    parts.push(
      html`<form
        class="inline"
        onSubmit=${(e: Event) => {
          e.preventDefault();
          if (confirm(`Revoke this certificate (${reason})? This cannot be undone.`))
            action.run('Certificate revoked.', `/v1/certificates/${fp}/revoke`, { reason });
        }}
      >
        <select
          name="reason"
          value=${reason}
          onChange=${(e: Event) => setReason((e.target as HTMLSelectElement).value)}
        >
          ${REASONS.map((r) => html`<option value=${r}>${r}</option>`)}
        </select>
        <button type="submit" class="danger" disabled=${action.busy}>Revoke</button>
      </form>`,
    );
  if (parts.length === 0)
    return html`<p class="muted">Your token's scopes (${me.scopes.join(', ')}) allow no action here.</p>`;
  return html`<div class="actions">
    ${parts} ${action.message === undefined ? '' : html`<p class="ok" role="status">${action.message}</p>`}
    ${action.error === undefined ? '' : html`<${ErrorBox} error=${action.error} />`}
  </div>`;
}

/** The acknowledge button of one finding: the owner has seen it, notifications about it stop escalating. */
export function AcknowledgeButton({
  fingerprint,
  code,
  reload,
}: {
  fingerprint: string;
  code: string;
  reload(): void;
}): VNode {
  const me = useMe();
  const action = useAction(reload);
  if (!can(me, 'write')) return html``;
  return html`<span>
    <button
      class="small"
      disabled=${action.busy}
      onClick=${() => action.run('Acknowledged.', '/v1/findings/ack', { fingerprint, code })}
    >
      Acknowledge
    </button>
    ${action.error === undefined ? '' : html`<${ErrorBox} error=${action.error} />`}
  </span>`;
}
