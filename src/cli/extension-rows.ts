import type { CertificateExtensions, ReadExtension } from '../pki/x509/certificate-extensions.js';

/** A key-identifier as openssl prints it: upper-case hex pairs joined by colons. */
const keyId = (hex: string): string => (hex.match(/../g) ?? []).join(':').toUpperCase();

/** An extension's text: its value, `(critical)` when it is, or why it could not be read. */
function text<T extends object>(
  extension: ReadExtension<T> | null,
  show: (value: T) => string,
): string | null {
  if (extension === null) return null;
  const critical = extension.critical ? ' (critical)' : '';
  if ('malformed' in extension) return `malformed: ${extension.malformed}${critical}`;
  return `${show(extension as T)}${critical}`;
}

/** The `inventory show` lines of a certificate's extensions, label and text; absent extensions are left out. */
export function extensionRows(e: CertificateExtensions): Array<[string, string]> {
  const list = (values: readonly string[]): string => values.join(', ') || '-';
  const rows: Array<[string, string | null]> = [
    ['key usage', text(e.keyUsage, (v) => list(v.usages))],
    ['ext. key usage', text(e.extendedKeyUsage, (v) => list(v.purposes))],
    [
      'basic constr.',
      text(e.basicConstraints, (v) =>
        v.ca ? `CA${v.pathLength === null ? '' : `, path length ${v.pathLength}`}` : 'not a CA',
      ),
    ],
    [
      'AIA',
      text(
        e.authorityInfoAccess,
        (v) =>
          [...v.ocsp.map((u) => `OCSP ${u}`), ...v.caIssuers.map((u) => `CA issuers ${u}`)].join(', ') || '-',
      ),
    ],
    ['CRL DP', text(e.crlDistributionPoints, (v) => list(v.uris))],
    ['SKI', text(e.subjectKeyIdentifier, (v) => keyId(v.keyIdentifier))],
    ['AKI', text(e.authorityKeyIdentifier, (v) => (v.keyIdentifier === null ? '-' : keyId(v.keyIdentifier)))],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== null);
}
