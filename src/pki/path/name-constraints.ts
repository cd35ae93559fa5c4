/**
 * RFC 5280 4.2.1.10 name constraints for the name forms a TLS server presents: dNSName and iPAddress
 * subtrees, applied to the subjectAltName entries of every certificate below the constraining CA, and
 * directoryName subtrees, applied to the subject (its RDNs must start with the base's RDNs, compared as DER).
 * A constraint of another form (rfc822Name, URI, ...) is kept as `unsupported`: a certificate below it that
 * presents a subjectAltName of such a form fails the path rather than pass a constraint nobody checked.
 */
import type { PresentedIdentities } from './hostname.js';
import { sameBytes } from '../asn1/tlv.js';
import { formatIpAddress } from '../ip-address.js';
import type { IpSubtree, NameConstraints } from '../x509/extensions/name-constraints.js';

/** A DNS name is within a subtree when it equals the base or ends in "." + base; ".base" means subdomains only. */
function dnsWithin(name: string, base: string): boolean {
  if (base === '' || base === '.') return true;
  if (base.startsWith('.')) return name.endsWith(base);
  return name === base || name.endsWith(`.${base}`);
}

/** Whether some name a wildcard stands for may fall within the base (for excluded subtrees). */
function dnsMayReach(name: string, base: string): boolean {
  if (dnsWithin(name, base)) return true;
  if (!name.startsWith('*.')) return false;
  const suffix = name.slice(1);
  const plain = base.startsWith('.') ? base.slice(1) : base;
  return plain.endsWith(suffix) && !plain.slice(0, -suffix.length).includes('.');
}

function ipWithin(address: Uint8Array, subtree: IpSubtree): boolean {
  return (
    address.length === subtree.address.length &&
    address.every((byte, i) => (byte & subtree.mask[i]!) === (subtree.address[i]! & subtree.mask[i]!))
  );
}

const normalise = (name: string): string => (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();

/**
 * The first presented name that violates the constraints, described for a message ("dNSName x is not in the
 * permitted subtrees"), or null when every name is allowed.
 */
export function nameConstraintViolation(
  constraints: NameConstraints,
  subject: { rdns: Uint8Array[]; names: PresentedIdentities; otherNameTags: readonly number[] },
): string | null {
  const { permitted, excluded } = constraints;
  const { names, rdns } = subject;
  const unsupported = [...(permitted?.unsupported ?? []), ...(excluded?.unsupported ?? [])];
  const unchecked = subject.otherNameTags.find((tag) => unsupported.includes(tag));
  if (unchecked !== undefined) {
    return `a subjectAltName of GeneralName form [${unchecked}] is constrained in a form Custos does not check`;
  }
  const startsWith = (base: Uint8Array[]): boolean =>
    base.length <= rdns.length && base.every((rdn, i) => sameBytes(rdn, rdns[i]!));
  if (permitted && permitted.directory.length > 0 && !permitted.directory.some(startsWith)) {
    return 'the subject is not within the permitted directoryName subtrees';
  }
  if (excluded?.directory.some(startsWith)) return 'the subject is within an excluded directoryName subtree';
  for (const raw of names.dns) {
    const name = normalise(raw);
    if (permitted && permitted.dns.length > 0 && !permitted.dns.some((base) => dnsWithin(name, base))) {
      return `dNSName ${raw} is not within the permitted subtrees (${permitted.dns.join(', ')})`;
    }
    const hit = excluded?.dns.find((base) => dnsMayReach(name, base));
    if (hit !== undefined) return `dNSName ${raw} is within the excluded subtree ${hit}`;
  }
  for (const address of names.ip) {
    const text = formatIpAddress(address);
    const sameFamily = (subtree: IpSubtree): boolean => subtree.address.length === address.length;
    const permittedFamily = permitted?.ip.filter(sameFamily) ?? [];
    if (permitted && permitted.ip.length > 0 && !permittedFamily.some((s) => ipWithin(address, s))) {
      return `iPAddress ${text} is not within the permitted subtrees`;
    }
    if (excluded?.ip.some((subtree) => ipWithin(address, subtree))) {
      return `iPAddress ${text} is within an excluded subtree`;
    }
  }
  return null;
}
