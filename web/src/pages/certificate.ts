/**
 * One certificate, from GET /v1/certificates/{fingerprint}: its fields and chain, where it is and was installed
 * (every sighting, ended ones too), its findings, its owner with the escalation path, the managed certificate it is
 * the current revision of (with the status conditions), its audit trail, and the actions the principal may take.
 */
import type { VNode } from 'preact';
import { dateTime, day, displayName, expired, locationText, relativeDays } from '../format.js';
import { html } from '../html.js';
import { href, useApi } from '../state.js';
import type { CertificateDetail, Condition, Owner } from '../types.js';
import { Empty, Fields, SeverityBadge, StatusBadge, whenLoaded } from '../widgets.js';
import { CertificateActions } from './actions.js';
import { AuditTable } from './audit.js';
import { ContactsText } from './owners.js';

function OwnerPanel({ name, owner }: { name: string | null; owner: Owner | null }): VNode {
  if (name === null)
    return html`<p class="bad">Unowned: no rule, assignment or identity gives this certificate an owner.</p>`;
  return html`<p>
      <a href=${href(`/certificates?owner=${encodeURIComponent(name)}`)} data-testid="owner">${name}</a>
    </p>
    ${
      owner === null
        ? ''
        : html`<ol class="escalation">
            <li><strong>first</strong>: <${ContactsText} contacts=${owner.spec.contacts} /></li>
            ${(owner.spec.escalation ?? []).map(
              (level) =>
                html`<li>
                  <strong>after ${level.after}</strong>: <${ContactsText} contacts=${level.contacts} />
                </li>`,
            )}
          </ol>`
    }`;
}

/** Ready True is good news and Ready False bad; the other conditions (Issuing, Failed, ...) need a look when True. */
const conditionTone = (k: Condition): 'good' | 'bad' | 'warn' | 'none' =>
  k.type === 'Ready' ? (k.status === 'True' ? 'good' : 'bad') : k.status === 'True' ? 'warn' : 'none';

function Conditions({ conditions }: { conditions: Condition[] }): VNode {
  return html`<table class="list conditions">
    <thead>
      <tr>
        <th>Condition</th>
        <th>Status</th>
        <th>Reason</th>
        <th>Message</th>
        <th>Since</th>
      </tr>
    </thead>
    <tbody>
      ${conditions.map(
        (k) =>
          html`<tr>
            <td>${k.type}</td>
            <td><${StatusBadge} status=${k.status} tone=${conditionTone(k)} /></td>
            <td>${k.reason}</td>
            <td>${k.message}</td>
            <td>${dateTime(k.lastTransitionTime)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function Detail({ c, reload }: { c: CertificateDetail; reload(): void }): VNode {
  const revoked = c.audit.some((e) => e.type === 'certificate.revoked');
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
        [
          'Valid',
          `${day(c.notBefore)} .. ${day(c.notAfter)} (${expired(c.notAfter) ? 'expired' : 'expires'} ${relativeDays(c.notAfter)})`,
        ],
        ['Key', `${c.keyAlgorithm} ${c.keySize ?? ''}`],
        ['Signature', c.signatureAlgorithm],
        ['Identity', c.identity ?? '-'],
        ...(c.spiffeId === null ? [] : [['SPIFFE ID', c.spiffeId] as [string, unknown]]),
      ]}
    />
    <h2>Actions</h2>
    <${CertificateActions}
      fingerprint=${c.fingerprintSha256}
      owner=${c.owner}
      managedName=${c.managed?.name ?? null}
      revoked=${revoked}
      reload=${reload}
    />

    <h2>Owner</h2>
    <${OwnerPanel} name=${c.owner} owner=${c.ownerDetail} />

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
                      ${
                        f.waivedBy === undefined
                          ? ''
                          : html`waived by <a href=${href('/exceptions')}>${f.waivedBy}</a>`
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    ${
      c.managed === null
        ? ''
        : html`<h2>
              ${'Managed: '}<a href=${href('/managed')}>${c.managed.name}</a
              >${` (revision ${c.managed.revision ?? '-'})`}
            </h2>
            <${Conditions} conditions=${c.managed.conditions} />`
    }

    <h2>Chain</h2>
    ${
      c.chain.length === 0
        ? html`<${Empty} text="No issuer of this certificate is in the inventory." />`
        : html`<ol class="chain">
            ${c.chain.map(
              (link) =>
                html`<li>
                  <a href=${href(`/certificates/${link.fingerprintSha256}`)}>${link.subject}</a>
                  <span class="muted"> until ${day(link.notAfter)}</span>
                </li>`,
            )}
          </ol>`
    }

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
            html`<tr class=${s.endedAt === null ? '' : 'ended'}>
              <td>${locationText({ ...s, endedAt: s.endedAt ?? undefined })}</td>
              <td>${s.kind}</td>
              <td>${dateTime(s.firstSeen)}</td>
              <td>${dateTime(s.lastSeen)}</td>
              <td>${s.endedAt === null ? 'current' : dateTime(s.endedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>

    <h2>Audit trail</h2>
    <${AuditTable} events=${c.audit} />
  </section>`;
}

export function CertificatePage({ fingerprint }: { fingerprint: string }): VNode {
  const certificate = useApi<CertificateDetail>(`/v1/certificates/${encodeURIComponent(fingerprint)}`);
  return whenLoaded(certificate, (c) => html`<${Detail} c=${c} reload=${certificate.reload} />`);
}
