import { serialDecimal } from '../ca/serial-number.js';
import type { CertificateView, LocationView } from '../inventory/certificate-view.js';
import { baseNameOf } from '../inventory/file-path.js';
import type { MetricFamily, MetricSample } from './metric-family.js';
import { nameLabels } from './name-labels.js';

/**
 * The inventory as the metrics people already alert on: x509-certificate-exporter's per-certificate gauges
 * (`x509_cert_not_after`, `x509_cert_not_before`, `x509_cert_expired` as absolute Unix timestamps and 0/1, with
 * its labels: `filename` and `filepath`, `secret_namespace`, `secret_name`, `serial_number` in decimal as Go's
 * `big.Int` prints it, `subject_C` ... `subject_CN` and `issuer_C` ... `issuer_CN` (name-labels.ts)) and
 * `x509_read_errors`, plus Custos's `owner` and `fingerprint_sha256` labels. One series per certificate and
 * location, so an alert names the file to fix; TLS endpoints carry `endpoint` and `sni` instead of `filepath`.
 * The views come ordered by notAfter, so a capped family keeps the certificates that expire first.
 * `fileProblems` null leaves `x509_read_errors` out (an owner's exposition: unreadable files have no owner).
 */
export function x509Families(
  views: readonly CertificateView[],
  fileProblems: number | null,
  now: Date,
): MetricFamily[] {
  const notAfter: MetricSample[] = [];
  const notBefore: MetricSample[] = [];
  const expired: MetricSample[] = [];
  for (const view of views) {
    const base = certificateLabels(view);
    const places = view.locations.length > 0 ? view.locations : [undefined];
    const after = seconds(view.notAfter);
    const before = seconds(view.notBefore);
    const isExpired = Date.parse(view.notAfter) <= now.getTime() ? 1 : 0;
    for (const location of places) {
      const labels = location ? { ...base, ...locationLabels(location) } : base;
      notAfter.push({ labels, value: after });
      notBefore.push({ labels, value: before });
      expired.push({ labels, value: isExpired });
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
    ...(fileProblems === null
      ? []
      : [
          {
            name: 'x509_read_errors',
            help: 'Files the last scan could not read as certificates (broken, unreadable, password unknown).',
            type: 'gauge' as const,
            samples: [{ labels: {}, value: fileProblems }],
          },
        ]),
  ];
}

/**
 * `custos_findings`: the certificates with each finding now, by code and severity, and whether an exception waives
 * it (`waived`), as `custos findings` judges them.
 */
export function findingFamilies(views: readonly CertificateView[]): MetricFamily[] {
  const counts = new Map<string, MetricSample>();
  for (const view of views)
    for (const finding of view.findings) {
      const labels = {
        code: finding.code,
        severity: finding.severity,
        waived: finding.waivedBy === undefined ? 'false' : 'true',
      };
      const key = `${labels.code}\u0000${labels.severity}\u0000${labels.waived}`;
      const sample = counts.get(key);
      if (sample) sample.value += 1;
      else counts.set(key, { labels, value: 1 });
    }
  return [
    {
      name: 'custos_findings',
      help: 'Certificates with each finding now, by code and severity; waived="true" when an exception waives it.',
      type: 'gauge',
      samples: [...counts.values()],
    },
  ];
}

function certificateLabels(view: CertificateView): Record<string, string> {
  return {
    ...nameLabels('subject', view.subject),
    ...nameLabels('issuer', view.issuer),
    serial_number: serialDecimal(view.serialNumber),
    fingerprint_sha256: view.fingerprintSha256,
    owner: view.owner ?? '',
  };
}

function locationLabels(location: LocationView): Record<string, string> {
  switch (location.kind) {
    case 'file':
      return location.k8sSecret
        ? {
            ...fileLabels(location.path),
            secret_namespace: location.k8sSecret.namespace,
            secret_name: location.k8sSecret.name,
          }
        : fileLabels(location.path);
    case 'tls':
      return { endpoint: `${location.host}:${location.port}`, sni: location.sni ?? '' };
    case 'k8s-secret':
      return { secret_namespace: location.namespace, secret_name: location.name };
    case 'agent':
      return { device: location.deviceId, ...fileLabels(location.path ?? '') };
    case 'issued':
      return { issuing_ca: location.authority, identity: location.identity ?? '' };
  }
}

/** As the exporter labels a file: `filename` its base name, `filepath` the whole path. */
function fileLabels(path: string): Record<string, string> {
  return { filename: baseNameOf(path), filepath: path };
}

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
