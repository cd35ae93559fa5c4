import { listInventory } from '../list-inventory.js';
import { managedSpecs } from '../managed/load-managed.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { findingFamilies, x509Families } from './inventory-metrics.js';
import { managedFamilies } from './managed-metrics.js';
import type { MetricFamily } from './metric-family.js';
import { tlsFamilies } from './tls-metrics.js';

export interface EstateMetricsDeps {
  store: Store;
  clock: Clock;
}

/** Whose estate: every owner's (null), or one owner's (what a token bound to that owner may see). */
export interface EstateScope {
  owner: string | null;
}

/**
 * The gauges that describe the estate now: every certificate where it is installed (x509-certificate-exporter's
 * families), every TLS endpoint's served chain (blackbox_exporter's), the findings by code, and every managed
 * certificate (cert-manager's). One inventory listing (`listInventory`, as `custos inventory list` judges it)
 * feeds the certificate, TLS and finding families.
 *
 * Of one owner: its certificates (their judged owner), the TLS endpoints whose leaf is its (the earliest expiry
 * still over the whole served chain), the findings of its certificates, and the managed certificates whose identity
 * it owns (as `/v1/managed` answers a token bound to it); `x509_read_errors` (files that are no certificate, so of
 * no owner) is left out.
 */
export async function estateFamilies(
  deps: EstateMetricsDeps,
  scope: EstateScope = { owner: null },
): Promise<MetricFamily[]> {
  const now = deps.clock.now();
  const [views, problems, specs, statuses, identities] = await Promise.all([
    listInventory(deps, {}),
    deps.store.inventory.fileProblems(),
    managedSpecs(deps.store.objects),
    deps.store.managed.statuses(),
    deps.store.objects.list('Identity'),
  ]);

  // The current revision's notAfter: from the inventory (the built-in CA's issuances are in it), else the revision.
  const wanted = new Map(
    statuses.flatMap((s) => (s.fingerprintSha256 === null ? [] : [[s.fingerprintSha256, s.name] as const])),
  );
  const notAfter = new Map<string, Date>();
  for (const view of views) {
    const name = wanted.get(view.fingerprintSha256);
    if (name !== undefined) notAfter.set(name, new Date(view.notAfter));
  }
  for (const status of statuses) {
    if (status.revision === null || notAfter.has(status.name)) continue;
    const revision = await deps.store.managed.revision(status.name, status.revision);
    if (revision !== null) notAfter.set(status.name, revision.notAfter);
  }
  const identityNamespaces = new Map(
    identities.flatMap((i) => {
      const namespace = i.object.spec.labels?.namespace;
      return namespace === undefined ? [] : [[i.object.metadata.name, namespace] as const];
    }),
  );

  const { owner } = scope;
  if (owner === null)
    return [
      ...x509Families(views, problems.length, now),
      ...tlsFamilies(views),
      ...findingFamilies(views),
      ...managedFamilies({ specs, statuses, notAfter, identityNamespaces }),
    ];
  const own = views.filter((v) => v.owner === owner);
  const ownIdentities = new Set(
    identities.filter((i) => i.object.spec.owner === owner).map((i) => i.object.metadata.name),
  );
  return [
    ...x509Families(own, null, now),
    ...tlsFamilies(views, (leaf) => leaf.owner === owner),
    ...findingFamilies(own),
    ...managedFamilies({
      specs: specs.filter((m) => m.spec.identity !== undefined && ownIdentities.has(m.spec.identity)),
      statuses,
      notAfter,
      identityNamespaces,
    }),
  ];
}
