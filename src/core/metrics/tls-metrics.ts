import type { CertificateView } from '../inventory/certificate-view.js';
import type { MetricFamily, MetricSample } from './metric-family.js';

/**
 * blackbox_exporter's TLS families, one series per TLS location (host, port, SNI) as the last scan saw it:
 * `probe_ssl_earliest_cert_expiry` (the earliest notAfter of the chain the endpoint serves, as blackbox reports it)
 * and `probe_ssl_last_chain_info` (the leaf's fingerprint, subject, issuer, SANs and serial), plus
 * `custos_tls_leaf_not_after_timestamp_seconds`, the leaf's own expiry, which blackbox users confuse with the
 * earliest of the chain (blackbox_exporter #340, #442).
 *
 * A TLS scan records every certificate of the served chain as a sighting at the endpoint's location (not their
 * order): the leaf is the certificate of that chain that issued none of the others, an end-entity one first.
 */

type Served = Pick<
  CertificateView,
  | 'fingerprintSha256'
  | 'subject'
  | 'issuer'
  | 'subjectAltNames'
  | 'serialNumber'
  | 'notAfter'
  | 'isCA'
  | 'owner'
>;

interface Endpoint {
  labels: Record<string, string>;
  chain: Served[];
}

/** The endpoints, each with the certificates it serves now. */
function endpoints(views: readonly CertificateView[]): Endpoint[] {
  const byKey = new Map<string, Endpoint>();
  for (const view of views)
    for (const location of view.locations) {
      if (location.kind !== 'tls' || location.endedAt !== undefined) continue;
      const key = `${location.host}\u0000${location.port}\u0000${location.sni ?? ''}`;
      let endpoint = byKey.get(key);
      if (endpoint === undefined) {
        const host = location.host.includes(':') ? `[${location.host}]` : location.host;
        endpoint = { labels: { instance: `${host}:${location.port}`, sni: location.sni ?? '' }, chain: [] };
        byKey.set(key, endpoint);
      }
      endpoint.chain.push(view);
    }
  return [...byKey.values()];
}

/** The leaf of a served chain: a certificate whose subject issued none of the others (an end-entity one first). */
export function leafOf<T extends Pick<Served, 'subject' | 'issuer' | 'isCA' | 'fingerprintSha256'>>(
  chain: readonly T[],
): T | undefined {
  const issuedSomething = (c: T) => chain.some((other) => other !== c && other.issuer === c.subject);
  const candidates = chain.filter((c) => !issuedSomething(c));
  const pool = candidates.length > 0 ? candidates : [...chain];
  return [...pool].sort(
    (a, b) => Number(a.isCA) - Number(b.isCA) || a.fingerprintSha256.localeCompare(b.fingerprintSha256),
  )[0];
}

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/** The endpoints of the views (those whose leaf `keep` accepts: an owner's), each judged over its whole chain. */
export function tlsFamilies(
  views: readonly CertificateView[],
  keep: (leaf: Served) => boolean = () => true,
): MetricFamily[] {
  const earliest: MetricSample[] = [];
  const chainInfo: MetricSample[] = [];
  const leafNotAfter: MetricSample[] = [];
  for (const endpoint of endpoints(views)) {
    const leaf = leafOf(endpoint.chain);
    if (leaf === undefined || !keep(leaf)) continue;
    earliest.push({
      labels: endpoint.labels,
      value: Math.min(...endpoint.chain.map((c) => seconds(c.notAfter))),
    });
    chainInfo.push({
      labels: {
        ...endpoint.labels,
        fingerprint_sha256: leaf.fingerprintSha256,
        subject: leaf.subject,
        issuer: leaf.issuer,
        subjectalternative: leaf.subjectAltNames.join(','),
        serialnumber: leaf.serialNumber,
      },
      value: 1,
    });
    leafNotAfter.push({
      labels: { ...endpoint.labels, fingerprint_sha256: leaf.fingerprintSha256 },
      value: seconds(leaf.notAfter),
    });
  }
  return [
    {
      name: 'probe_ssl_earliest_cert_expiry',
      help: 'Earliest notAfter (Unix seconds) of the certificates the TLS endpoint served at the last scan: the leaf or a certificate above it.',
      type: 'gauge',
      samples: earliest,
    },
    {
      name: 'probe_ssl_last_chain_info',
      help: 'The leaf the TLS endpoint served at the last scan (its fingerprint, subject, issuer, SANs, serial); always 1.',
      type: 'gauge',
      samples: chainInfo,
    },
    {
      name: 'custos_tls_leaf_not_after_timestamp_seconds',
      help: "The notAfter (Unix seconds) of the leaf the TLS endpoint served at the last scan: the leaf's own expiry.",
      type: 'gauge',
      samples: leafNotAfter,
    },
  ];
}
