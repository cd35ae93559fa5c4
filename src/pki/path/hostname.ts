/**
 * Server identity checks as RFC 6125 (and RFC 9525, which replaces it) and the CA/Browser Forum profile that
 * browsers and rustls-webpki apply:
 * - names come only from subjectAltName entries, never from the subject's CN;
 * - a DNS name is compared case-insensitively in ASCII, one trailing dot ignored on either side; a reference
 *   name in Unicode is converted to A-labels first (IDNA), presented names must already be A-labels;
 * - a wildcard is only the whole left-most label (`*.example.com`) and stands for exactly one non-empty label;
 *   partial wildcards (`f*.example.com`, `*x.example.com`, `xn--*.example`) and wildcards elsewhere never
 *   match, nor does a wildcard directly over a 2-label name (`*.com`, `*.co`), which would span a whole
 *   public suffix;
 * - an IP address (IPv4 or IPv6 in any text form) is only compared, as bytes, with iPAddress entries.
 */
import { domainToASCII } from 'node:url';
import { parseIpAddress } from '../ip-address.js';

export type ReferenceIdentity = { kind: 'dns'; name: string } | { kind: 'ip'; address: Uint8Array };

/** The names a certificate presents: its dNSName entries and its iPAddress entries as bytes. */
export interface PresentedIdentities {
  dns: readonly string[];
  ip: readonly Uint8Array[];
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

function stripTrailingDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** What the client connected to, as a reference identity; null when it is neither an IP nor a valid name. */
export function parseReferenceIdentity(host: string): ReferenceIdentity | null {
  const address = parseIpAddress(host);
  if (address) return { kind: 'ip', address };
  const ascii = /^[\x21-\x7e]*$/.test(host) ? host.toLowerCase() : domainToASCII(host);
  const name = stripTrailingDot(ascii);
  if (name === '' || name.length > 253) return null;
  if (!name.split('.').every((label) => label.length <= 63 && LABEL.test(label))) return null;
  return { kind: 'dns', name };
}

/** Whether one presented dNSName (possibly a wildcard) covers a reference DNS name (already normalised). */
export function dnsNameMatches(presented: string, reference: string): boolean {
  if (!/^[\x21-\x7e]+$/.test(presented)) return false;
  const name = stripTrailingDot(presented.toLowerCase());
  if (!name.startsWith('*.')) return !name.includes('*') && name === reference;
  const base = name.slice(2);
  if (base.includes('*') || base.split('.').length < 2) return false;
  const dot = reference.indexOf('.');
  return dot > 0 && reference.slice(dot + 1) === base;
}

function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Whether the presented identities cover the reference identity (see the module comment for the rules). */
export function identityMatches(presented: PresentedIdentities, reference: ReferenceIdentity): boolean {
  if (reference.kind === 'ip') return presented.ip.some((address) => sameAddress(address, reference.address));
  return presented.dns.some((name) => dnsNameMatches(name, reference.name));
}

/** Convenience: whether a host name or IP literal is covered; false for a host that is neither. */
export function hostMatches(presented: PresentedIdentities, host: string): boolean {
  const reference = parseReferenceIdentity(host);
  return reference !== null && identityMatches(presented, reference);
}
