/** Small readers the lints share: one extension by OID, DNS name syntax, public suffixes. No DER walking here. */
import { EXTENDED_KEY_USAGE } from '../x509/extensions/extended-key-usage.js';
import type { RawExtension } from '../x509/lean-reader.js';
import type { PathCertificate } from '../path/path-certificate.js';

/** The first extension with this OID, or undefined. */
export function extensionOf(
  certificate: PathCertificate,
  oid: string,
): (RawExtension & { oid: string }) | undefined {
  return certificate.extensionList.find((e) => e.oid === oid);
}

/**
 * A delegated OCSP responder's certificate: extendedKeyUsage id-kp-OCSPSigning and nothing else (RFC 6960
 * §4.2.2.2, BR §7.1.2.8). It names no host, so the subscriber-name lints (BR §7.1.2.7) do not apply to it.
 */
export const isOcspResponder = (certificate: PathCertificate): boolean =>
  certificate.extendedKeyUsage?.length === 1 &&
  certificate.extendedKeyUsage[0] === EXTENDED_KEY_USAGE.OCSPSigning;

const LDH_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;

/**
 * What is wrong with a dNSName's syntax (RFC 1034 §3.5 preferred name syntax as RFC 5280 §4.2.1.6 requires, BR
 * 7.1.4.2: no underscore), or undefined. A `*` label is left to the wildcard lint.
 */
export function dnsNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === ' ') return 'is a single space';
  if (!/^[\x21-\x7e]+$/.test(name)) return 'has characters outside printable ASCII (write IDNs as A-labels)';
  if (name.startsWith('.')) return 'starts with a dot';
  if (name.endsWith('.')) return 'ends with a dot';
  if (name.length > 253) return `is ${name.length} characters long (at most 253)`;
  for (const label of name.split('.')) {
    if (label === '') return 'has an empty label';
    if (label.length > 63) return `has a label of ${label.length} characters (at most 63)`;
    if (label.includes('*')) continue;
    if (label.includes('_')) return `has an underscore in label '${label}'`;
    if (!LDH_LABEL.test(label)) return `label '${label}' is not letters, digits and inner hyphens`;
  }
  return undefined;
}

/**
 * Public suffixes under which a wildcard is refused. There is no Public Suffix List in the tree, so the choice is
 * deliberately small: any single label (`*.com`, `*.internal`), the two-label registry suffixes of common
 * country-code registries (`*.co.uk`, `*.com.au`, `*.ac.jp`: a second-level label from SECOND_LEVEL under a
 * two-letter TLD), and a few well-known private suffixes where every child is a different party.
 */
const SECOND_LEVEL = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'gob',
  'gov',
  'go',
  'ltd',
  'me',
  'mil',
  'ne',
  'net',
  'nic',
  'or',
  'org',
  'plc',
  'sch',
]);
const PRIVATE_SUFFIXES = new Set([
  'github.io',
  'gitlab.io',
  'herokuapp.com',
  'appspot.com',
  'blogspot.com',
  'cloudfront.net',
  'azurewebsites.net',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'workers.dev',
  'amazonaws.com',
  's3.amazonaws.com',
  'web.app',
  'firebaseapp.com',
]);

/** Whether `suffix` (lower case, no leading dot) is a public suffix by the rule above. */
export function isPublicSuffix(suffix: string): boolean {
  const labels = suffix.split('.');
  if (labels.length === 1) return true;
  if (PRIVATE_SUFFIXES.has(suffix)) return true;
  return labels.length === 2 && /^[a-z]{2}$/.test(labels[1]!) && SECOND_LEVEL.has(labels[0]!);
}

/** Every dNSName of the subjectAltName (empty without one). */
export const dnsNamesOf = (certificate: PathCertificate): readonly string[] =>
  certificate.presentedIdentities?.dns ?? [];
