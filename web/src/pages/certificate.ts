/**
 * One certificate, from GET /v1/certificates/{fingerprint}: its fields and chain, where it is and was installed,
 * its findings, its owner with the escalation path, the managed certificate it is the current revision of (with
 * the status conditions), its audit trail, and the actions the principal may take.
 */
import type { VNode } from 'preact';
import { query } from '../api.js';
import { dateTime, day, displayName, locationText, relativeDays } from '../format.js';
import { html } from '../html.js';
import { href, useApi } from '../state.js';
import type { AuditEvent, CertificateDetail, Condition, ManagedItem, Owner, Page } from '../types.js';
import { Empty, Fields, SeverityBadge, StatusBadge, whenLoaded } from '../widgets.js';
import { AcknowledgeButton, CertificateActions } from './actions.js';
import { AuditTable } from './audit.js';
import { ContactsText } from './owners.js';

function OwnerPanel({ name }: { name: string }): VNode {
  const owner = useApi<Owner>(`/v1/owners/${encodeURIComponent(name)}`);
  return whenLoaded(
    owner,
    (o) =>
      html`<ol class="escalation">
        <li><strong>first</strong>: <${ContactsText} contacts=${o.contacts} /></li>
        ${(o.escalation ?? []).map((level) => html`<li><strong>after ${level.after}</strong>: <${ContactsText} contacts=${level.contacts} /></li>`)}
      </ol>`,
  );
}

/** The managed certificate whose current revision this is, with its status conditions. */
function ManagedPanel({ name }: { name: string }): VNode {
  const status = useApi<{ conditions: Condition[] }>(`/v1/managed/${encodeURIComponent(name)}`);
  return html`<h2>Managed: <a href=${href('/managed')}>${name}</a></h2>
    ${whenLoaded(
      status,
      (s) => html`<table class="list conditions">
        <thead><tr><th>Condition</th><th>Status</th><th>Reason</th><th>Message</th><th>Since</th></tr></thead>
        <tbody>
          ${s.conditions.map(
            (k) => html`<tr><td>${k.type}</td><td><${StatusBadge} status=${k.status} /></td><td>${k.reason}</td><td>${k.message}</td><td>${dateTime(k.lastTransitionTime)}</td></tr>`,
          )}
        </tbody>
      </table>`,
    )}`;
}

function Detail({ c, reload }: { c: CertificateDetail; reload(): void }): VNode {
  const audit = useApi<Page<AuditEvent>>(`/v1/audit${query({ subject: c.fingerprintSha256, limit: 50 })}`);
  const managedList = useApi<ManagedItem[]>('/v1/managed');
  const managed = managedList.data?.find((m) => m.fingerprintSha256 === c.fingerprintSha256) ?? null;
  const revoked = c.findings.some((f) => f.code === 'revoked');
  return html`<section class="certificate">
    <p><a href=${href('/certificates')}>← Inventory</a></p>
    <h1 data-testid="certificate-name">${displayName(c)}</h1>
    <${Fields}
      rows=${[
        ['Fingerprint', html`<code data-testid="fingerprint">${c.fingerprintSha256}</code>`],
        ['Subject', c.subject],
        ['Issuer', c.issuer],
        ['Serial', html`<code>${c.serialNumber}</code>`],
        ['Names', c.subjectAltNames.join(', ') || '-'],
        ['Valid', `${day(c.notBefore)} .. ${day(c.notAfter)} (expires ${relativeDays(c.notAfter)})`],
        ['Key', `${c.keyAlgorithm} ${c.keySize ?? ''}`],
        ['Signature', c.signatureAlgorithm],
        ['Identity', c.identity ?? '-'],
        ...(c.spiffeId === null ? [] : [['SPIFFE ID', c.spiffeId] as [string, unknown]]),
      ]}
    />
    <h2>Actions</h2>
    <${CertificateActions}
      fingerprint=${c.fingerprintSha256}
      managedName=${managed?.name ?? null}
      owner=${c.owner}
      revoked=${revoked}
      reload=${reload}
    />

    <h2>Owner</h2>
    ${
      c.owner === null
        ? html`<p class="bad">Unowned: no rule, assignment or identity gives this certificate an owner.</p>`
        : html`<p>
              <a href=${href(`/certificates?owner=${encodeURIComponent(c.owner)}`)} data-testid="owner"
                >${c.owner}</a
              >
            </p>
            <${OwnerPanel} name=${c.owner} />`
    }

    <h2>Findings</h2>
    ${
      c.findings.length === 0
        ? html`<${Empty} text="No findings." />`
        : html`<table class="list findings">
            <tbody>
              ${c.findings.map(
                (f) =>
                  html`<tr>
                    <td><${SeverityBadge} severity=${f.severity} /></td>
                    <td><code>${f.code}</code></td>
                    <td>${f.message}</td>
                    <td>
                      ${f.waivedBy === undefined ? '' : html`waived by <a href=${href('/exceptions')}>${f.waivedBy}</a>`}
                    </td>
                    <td>
                      ${f.acknowledged === true ? 'acknowledged' : html`<${AcknowledgeButton} fingerprint=${c.fingerprintSha256} code=${f.code} reload=${reload} />`}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    ${managed === null ? '' : html`<${ManagedPanel} name=${managed.name} />`}

    <h2>Chain</h2>
    <ol class="chain">
      ${c.chain.map((link) => html`<li><code title=${link.fingerprintSha256}>${link.subject}</code> <span class="muted">issued by ${link.issuer}, until ${day(link.notAfter)}</span></li>`)}
    </ol>

    <h2>Locations and sightings</h2>
    <table class="list sightings">
      <thead>
        <tr>
          <th>Location</th>
          <th>Kind</th>
          <th>First seen</th>
          <th>Last seen</th>
          <th>Ended</th>
        </tr>
      </thead>
      <tbody>
        ${c.sightings.map(
          (s) =>
            html`<tr class=${s.endedAt === undefined ? '' : 'ended'}>
              <td>${locationText(s)}</td>
              <td>${s.kind}</td>
              <td>${dateTime(s.firstSeen)}</td>
              <td>${dateTime(s.lastSeen)}</td>
              <td>${s.endedAt === undefined ? 'current' : dateTime(s.endedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>

    <h2>Audit trail</h2>
    ${whenLoaded(audit, (page) => html`<${AuditTable} events=${page.items} />`)}
  </section>`;
}

export function CertificatePage({ fingerprint }: { fingerprint: string }): VNode {
  const certificate = useApi<CertificateDetail>(`/v1/certificates/${encodeURIComponent(fingerprint)}`);
  return whenLoaded(certificate, (c) => html`<${Detail} c=${c} reload=${certificate.reload} />`);
}
