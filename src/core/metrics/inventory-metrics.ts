import { listInventory } from '../list-inventory.js';
import type { CertificateView, LocationView } from '../inventory/certificate-view.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { MetricFamily, MetricSample } from './metric-family.js';

export interface InventoryMetricsDeps {
  store: Store;
  clock: Clock;
}

/**
 * The inventory as the metrics people already alert on: x509-certificate-exporter's per-certificate gauges
 * (`x509_cert_not_after`, `x509_cert_not_before`, `x509_cert_expired` as absolute Unix timestamps and 0/1, with
 * its labels `filepath`, `secret_namespace`, `secret_name`, `subject_CN`, `issuer_CN`, `serial_number`) and
 * `x509_read_errors`, plus Custos's `owner` and `fingerprint_sha256` labels. One series per certificate and
 * location, so an alert names the file to fix; TLS endpoints carry `endpoint` and `sni` instead of `filepath`.
 */
export async function inventoryMetrics(deps: InventoryMetricsDeps): Promise<MetricFamily[]> {
  const now = deps.clock.now();
  const [views, problems] = await Promise.all([listInventory(deps, {}), deps.store.inventory.fileProblems()]);
  const notAfter: MetricSample[] = [];
  const notBefore: MetricSample[] = [];
  const expired: MetricSample[] = [];
  for (const view of views) {
    const base = certificateLabels(view);
    const places = view.locations.length > 0 ? view.locations : [undefined];
    for (const location of places) {
      const labels = { ...base, ...(location ? locationLabels(location) : {}) };
      notAfter.push({ labels, value: seconds(view.notAfter) });
      notBefore.push({ labels, value: seconds(view.notBefore) });
      expired.push({ labels, value: Date.parse(view.notAfter) <= now.getTime() ? 1 : 0 });
    }
  }
  return [
    {
      name: 'x509_cert_not_after',
      help: 'Expiry of the certificate (notAfter) as a Unix timestamp in seconds.',
      type: 'gauge',
      samples: notAfter,
    },
    {
      name: 'x509_cert_not_before',
      help: 'Start of validity of the certificate (notBefore) as a Unix timestamp in seconds.',
      type: 'gauge',
      samples: notBefore,
    },
    {
      name: 'x509_cert_expired',
      help: '1 when the certificate has expired, else 0.',
      type: 'gauge',
      samples: expired,
    },
    {
      name: 'x509_read_errors',
      help: 'Files the last scan could not read as certificates (broken, unreadable, password unknown).',
      type: 'gauge',
      samples: [{ labels: {}, value: problems.length }],
    },
  ];
}

function certificateLabels(view: CertificateView): Record<string, string> {
  return {
    subject_CN: commonName(view.subject),
    issuer_CN: commonName(view.issuer),
    serial_number: view.serialNumber,
    fingerprint_sha256: view.fingerprintSha256,
    owner: view.owner ?? '',
  };
}

function locationLabels(location: LocationView): Record<string, string> {
  switch (location.kind) {
    case 'file':
      return location.k8sSecret
        ? {
            filepath: location.path,
            secret_namespace: location.k8sSecret.namespace,
            secret_name: location.k8sSecret.name,
          }
        : { filepath: location.path };
    case 'tls':
      return { endpoint: `${location.host}:${location.port}`, sni: location.sni ?? '' };
    case 'k8s-secret':
      return { secret_namespace: location.namespace, secret_name: location.name };
    case 'agent':
      return { device: location.deviceId, filepath: location.path ?? '' };
    case 'issued':
      return { issuing_ca: location.authority, identity: location.identity ?? '' };
  }
}

/** The first CN of an RFC 4514 name string (escaped commas kept), or '' when it has none. */
export function commonName(name: string): string {
  const match = /(?:^|,\s*)CN=((?:[^,\\]|\\.)*)/.exec(name);
  return match?.[1]?.replace(/\\(.)/g, '$1') ?? '';
}

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
