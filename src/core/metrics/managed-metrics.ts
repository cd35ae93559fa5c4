import type { ConditionStatus, ManagedStatus } from '../managed/managed-status.js';
import type { ManagedSpecEntry } from '../managed/load-managed.js';
import type { MetricFamily, MetricSample } from './metric-family.js';

/**
 * cert-manager's per-certificate families for every ManagedCertificate, so cert-manager dashboards and alerts work
 * on Custos: `certmanager_certificate_expiration_timestamp_seconds` (the current revision's notAfter),
 * `certmanager_certificate_renewal_timestamp_seconds` (when it is due for renewal) and
 * `certmanager_certificate_ready_status` (one series per condition status True/False/Unknown, 1 for the Ready
 * condition's status, 0 for the others, as cert-manager exports it); and Custos's
 * `custos_managed_certificate_stale_endpoints` (endpoints still serving another certificate).
 */

export interface ManagedMetricsInput {
  specs: readonly ManagedSpecEntry[];
  statuses: readonly ManagedStatus[];
  /** The notAfter of each managed certificate's current revision, by name (absent before its first revision). */
  notAfter: ReadonlyMap<string, Date>;
  /** The `namespace` label of each Identity, by name (cert-manager's namespace label). */
  identityNamespaces: ReadonlyMap<string, string>;
}

/** Custos' issuers are named by `issuerRef.name` alone; cert-manager's kind and group of them. */
export const ISSUER_KIND = 'Issuer';
export const ISSUER_GROUP = 'custos';

const CONDITION_STATUSES: readonly ConditionStatus[] = ['True', 'False', 'Unknown'];

export function managedFamilies(input: ManagedMetricsInput): MetricFamily[] {
  const statuses = new Map(input.statuses.map((s) => [s.name, s]));
  const expiration: MetricSample[] = [];
  const renewal: MetricSample[] = [];
  const ready: MetricSample[] = [];
  const stale: MetricSample[] = [];
  for (const { name, spec } of input.specs) {
    const labels = {
      name,
      namespace: spec.identity === undefined ? '' : (input.identityNamespaces.get(spec.identity) ?? ''),
      issuer_name: spec.issuerRef.name,
      issuer_kind: ISSUER_KIND,
      issuer_group: ISSUER_GROUP,
    };
    const status = statuses.get(name);
    const notAfter = input.notAfter.get(name);
    if (notAfter !== undefined) expiration.push({ labels, value: Math.floor(notAfter.getTime() / 1000) });
    if (status?.renewalTime) renewal.push({ labels, value: Math.floor(status.renewalTime.getTime() / 1000) });
    stale.push({ labels, value: status?.staleEndpoints.length ?? 0 });
    const current = status?.conditions.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
    for (const condition of CONDITION_STATUSES)
      ready.push({ labels: { ...labels, condition }, value: condition === current ? 1 : 0 });
  }
  return [
    {
      name: 'certmanager_certificate_expiration_timestamp_seconds',
      help: "The notAfter (Unix seconds) of the managed certificate's current revision.",
      type: 'gauge',
      samples: expiration,
    },
    {
      name: 'certmanager_certificate_renewal_timestamp_seconds',
      help: 'When (Unix seconds) the managed certificate is due for renewal.',
      type: 'gauge',
      samples: renewal,
    },
    {
      name: 'certmanager_certificate_ready_status',
      help: "The managed certificate's Ready condition: 1 on the series of its status (True, False or Unknown), 0 on the others.",
      type: 'gauge',
      samples: ready,
    },
    {
      name: 'custos_managed_certificate_stale_endpoints',
      help: 'Verification endpoints of the managed certificate that served another certificate than its current revision at the last check.',
      type: 'gauge',
      samples: stale,
    },
  ];
}
