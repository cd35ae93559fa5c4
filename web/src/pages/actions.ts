/**
 * What a principal can do to a certificate from its page, each shown only when the principal's scopes allow it (the
 * server checks again): acknowledge its notices so they escalate no further, renew the managed certificate it
 * belongs to, and assign it an owner (`write`); revoke it (`issue`, certificates of the built-in CA). Each action
 * POSTs to /v1 and reloads the page's data when it succeeds.
 */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { html } from '../html.js';
import { can, useApi, useMe } from '../state.js';
import type { Owner } from '../types.js';
import { ErrorBox } from '../widgets.js';

/** The revocation reasons as the API spells them (RFC 5280 §5.3.1). */
const REASONS = [
  'superseded',
  'cessationOfOperation',
  'keyCompromise',
  'affiliationChanged',
  'privilegeWithdrawn',
  'unspecified',
];

export interface CertificateActionsProps {
  fingerprint: string;
  /** Its owner now (null: unowned). */
  owner: string | null;
  managedName: string | null;
  revoked: boolean;
  reload(): void;
}

type Run = (done: string, path: string, body: unknown) => void;

/** `POST /v1/certificates/{fingerprint}/owner` (as `custos owners assign`): one of the declared Owners. */
function AssignOwner(props: { fingerprint: string; owner: string | null; busy: boolean; run: Run }): VNode {
  const owners = useApi<Owner[]>('/v1/owners');
  const names = (owners.data ?? []).map((o) => o.metadata.name).filter((n) => n !== props.owner);
  const [chosen, setChosen] = useState('');
  const owner = chosen !== '' && names.includes(chosen) ? chosen : (names[0] ?? '');
  return html`<form
    class="inline"
    onSubmit=${(e: Event) => {
      e.preventDefault();
      if (owner !== '')
        props.run(
          `Owner set to ${owner}: the assignment beats every ownership rule.`,
          `/v1/certificates/${props.fingerprint}/owner`,
          { owner },
        );
    }}
  >
    <select
      name="owner"
      aria-label="New owner"
      value=${owner}
      disabled=${names.length === 0}
      onChange=${(e: Event) => setChosen((e.target as HTMLSelectElement).value)}
    >
      ${names.map((n) => html`<option value=${n}>${n}</option>`)}
    </select>
    <button type="submit" disabled=${props.busy || owner === ''}>Assign owner</button>
  </form>`;
}

export function CertificateActions(props: CertificateActionsProps): VNode {
  const me = useMe();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [reason, setReason] = useState('superseded');
  const run: Run = (done, path, body) => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    post(path, body).then(
      () => {
        setBusy(false);
        setMessage(done);
        props.reload();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  };
  const fp = props.fingerprint;
  const parts: VNode[] = [];
  if (can(me, 'write'))
    parts.push(
      html`<button
        disabled=${busy}
        title="Its notices escalate no further: someone took it in hand"
        onClick=${() => run('Acknowledged: its notices escalate no further.', '/v1/findings/ack', { fingerprint: fp })}
      >
        Acknowledge
      </button>`,
    );
  if (can(me, 'write'))
    parts.push(html`<${AssignOwner} fingerprint=${fp} owner=${props.owner} busy=${busy} run=${run} />`);
  const managed = props.managedName;
  if (managed !== null && can(me, 'write'))
    parts.push(
      html`<button
        disabled=${busy}
        onClick=${() =>
          run(
            `Renewal of ${managed} requested: the reconciler issues, deploys and verifies a new revision.`,
            `/v1/managed/${encodeURIComponent(managed)}/renew`,
            {},
          )}
      >
        Renew now
      </button>`,
    );
  if (!props.revoked && can(me, 'issue'))
    parts.push(
      html`<form
        class="inline"
        onSubmit=${(e: Event) => {
          e.preventDefault();
          if (confirm(`Revoke this certificate (${reason})? This cannot be undone.`))
            run('Revoked: the CRL is published and OCSP answers revoked.', `/v1/certificates/${fp}/revoke`, {
              reason,
            });
        }}
      >
        <select
          name="reason"
          aria-label="Revocation reason"
          value=${reason}
          onChange=${(e: Event) => setReason((e.target as HTMLSelectElement).value)}
        >
          ${REASONS.map((r) => html`<option value=${r}>${r}</option>`)}
        </select>
        <button type="submit" class="danger" disabled=${busy}>Revoke</button>
      </form>`,
    );
  if (parts.length === 0)
    return html`<p class="muted">
      The scopes of this session (${me.scopes.join(', ')}) allow no action here.
    </p>`;
  return html`<div class="actions">
    ${parts} ${message === undefined ? '' : html`<p class="ok" role="status">${message}</p>`}
    ${error === undefined ? '' : html`<${ErrorBox} error=${error} />`}
  </div>`;
}
