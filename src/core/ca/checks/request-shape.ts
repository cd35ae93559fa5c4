/**
 * The request names something, and well (RFC 5280 §4.2.1.6; CA/Browser Forum BR 7.1.4.2 and 7.1.4.3):
 * - at least one SAN (DNS name, IP address, URI) or a common name;
 * - a DNS name is in the preferred name syntax (RFC 1034 §3.5 as RFC 1123 §2.1 relaxes it): labels of letters,
 *   digits and inner hyphens, 1 to 63 characters, 253 at most in all, no empty label (no leading, trailing or
 *   doubled dot), no underscore (BR 7.1.4.2.1 since 2019), ASCII only (internationalized names as A-labels,
 *   `xn--...`); a wildcard only as the whole left-most label and over at least two labels (`*.corp.example`, not
 *   `*.example` or `a*.corp.example`);
 * - an IP address is IPv4 dotted decimal or IPv6 text (src/pki/ip-address.ts);
 * - a URI is absolute: a scheme (RFC 3986 §3.1) and a scheme-specific part, no spaces or control characters;
 * - the common name, when there are SANs too, is one of them (BR 7.1.4.3: a CN holds a value of the SAN).
 */
import { parseIpAddress } from '../../../pki/ip-address.js';
import type { IssuanceCheck } from './issuance-check.js';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Why a DNS name is not well formed, or null when it is. */
export function dnsNameProblem(name: string): string | null {
  if (name === '') return 'empty';
  if (name.length > 253) return 'longer than 253 characters';
  if (!/^[\x21-\x7e]+$/.test(name)) return 'not ASCII (write an internationalized name as A-labels, xn--...)';
  if (name.includes('_')) return 'contains an underscore (BR 7.1.4.2.1)';
  const labels = name.split('.');
  if (labels.some((label) => label === '')) return 'has an empty label (a leading, trailing or doubled dot)';
  for (const [index, label] of labels.entries()) {
    if (label === '*') {
      if (index !== 0) return 'has a wildcard that is not the left-most label';
      if (labels.length < 3) return 'has a wildcard directly over a one- or two-label name';
      continue;
    }
    if (label.includes('*'))
      return `has a partial wildcard label "${label}" (only a whole "*" label is allowed)`;
    if (label.length > 63) return `has a label longer than 63 characters`;
    if (!LABEL.test(label)) return `has the label "${label}": letters, digits and inner hyphens only`;
  }
  return null;
}

/** Why a URI is not an absolute URI, or null when it is. */
export function uriProblem(uri: string): string | null {
  if (!/^[\x21-\x7e]+$/.test(uri)) return 'contains spaces, control or non-ASCII characters';
  const scheme = /^([a-z][a-z0-9+.-]*):(.+)$/i.exec(uri);
  if (scheme === null) return 'is not absolute (no scheme, RFC 3986 §4.3)';
  if (!URL.canParse(uri)) return 'is not a well-formed URI';
  return null;
}

const refuse = (message: string) => ({ code: 'CUSTOS_ISSUANCE_REQUEST_INVALID', message }) as const;

export const requestWellFormed: IssuanceCheck = (request) => {
  const { commonName, dnsNames, ipAddresses, uris } = request;
  const sans = dnsNames.length + ipAddresses.length + uris.length;
  if (sans === 0 && (commonName === null || commonName === ''))
    return refuse('the request names nothing: give a DNS name, IP address, URI or a common name');
  if (commonName !== null && (commonName === '' || commonName.length > 64))
    return refuse(
      `commonName: ${commonName === '' ? 'empty' : 'longer than 64 characters (RFC 5280 ub-common-name)'}`,
    );
  for (const [index, name] of dnsNames.entries()) {
    const problem = dnsNameProblem(name);
    if (problem !== null) return refuse(`dnsNames[${index}] "${name}": ${problem}`);
  }
  const addresses: Uint8Array[] = [];
  for (const [index, ip] of ipAddresses.entries()) {
    const bytes = parseIpAddress(ip);
    if (bytes === null) return refuse(`ipAddresses[${index}] "${ip}": not an IPv4 or IPv6 address`);
    addresses.push(bytes);
  }
  for (const [index, uri] of uris.entries()) {
    const problem = uriProblem(uri);
    if (problem !== null) return refuse(`uris[${index}] "${uri}": ${problem}`);
  }
  if (commonName !== null && sans > 0 && !isOneOf(commonName, dnsNames, addresses, uris))
    return refuse(
      `commonName "${commonName}": not one of the requested DNS names, IP addresses or URIs (BR 7.1.4.3)`,
    );
  return undefined;
};

function isOneOf(cn: string, dnsNames: string[], addresses: Uint8Array[], uris: string[]): boolean {
  const lower = cn.toLowerCase();
  if (dnsNames.some((name) => name.toLowerCase() === lower)) return true;
  const address = parseIpAddress(cn);
  if (address !== null && addresses.some((a) => sameAddress(a, address))) return true;
  return uris.includes(cn);
}

function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
