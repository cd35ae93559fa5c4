/**
 * RFC 5280 4.2.1.10 name constraints for the name forms a TLS server presents: dNSName and iPAddress
 * subtrees, applied to the subjectAltName entries of every certificate below the constraining CA, and
 * directoryName subtrees, applied to the subject (its RDNs must start with the base's RDNs, compared as DER).
 * A constraint of another form (rfc822Name, URI, ...) is kept as `unsupported`: a certificate below it that
 * presents a subjectAltName of such a form fails the path rather than pass a constraint nobody checked.
 */
import { DerError, content, parseDer, sameBytes, type DerNode } from './der.js';
import type { PresentedIdentities } from './hostname.js';
import { formatIpAddress } from '../ip-address.js';

export interface IpSubtree {
  address: Uint8Array;
  mask: Uint8Array;
}

export interface Subtrees {
  dns: string[];
  ip: IpSubtree[];
  /** directoryName bases, each as the DER of its RDNs in order. */
  directory: Uint8Array[][];
  /** Tag numbers of GeneralName forms present but not checked (0 otherName, 1 rfc822Name, 6 URI, ...). */
  unsupported: number[];
}

export interface NameConstraints {
  permitted: Subtrees | null;
  excluded: Subtrees | null;
}

const rdnsOf = (bytes: Uint8Array, name: DerNode): Uint8Array[] =>
  name.children.map((rdn) => bytes.subarray(rdn.start, rdn.end));

/** The RDNs of a DER Name, each as its DER SET. */
export function readRdns(name: Uint8Array): Uint8Array[] {
  return rdnsOf(name, parseDer(name));
}

function readSubtrees(bytes: Uint8Array, subtreesNode: DerNode): Subtrees {
  const result: Subtrees = { dns: [], ip: [], directory: [], unsupported: [] };
  for (const subtree of subtreesNode.children) {
    const base = subtree.children[0];
    if (subtree.tag !== 0x30 || !base) throw new DerError('malformed GeneralSubtree');
    if (subtree.children.length > 1) throw new DerError('GeneralSubtree minimum/maximum are not allowed');
    if (base.tag === 0x82) {
      result.dns.push(Buffer.from(content(bytes, base)).toString('latin1').toLowerCase());
    } else if (base.tag === 0x87) {
      const value = content(bytes, base);
      if (value.length !== 8 && value.length !== 32)
        throw new DerError('iPAddress constraint of a wrong length');
      const half = value.length / 2;
      result.ip.push({ address: value.slice(0, half), mask: value.slice(half) });
    } else if (base.tag === 0xa4 && base.children[0]?.tag === 0x30) {
      result.directory.push(rdnsOf(bytes, base.children[0]));
    } else {
      result.unsupported.push(base.tag & 0x1f);
    }
  }
  return result;
}

/** Parses the extension value (the DER NameConstraints); throws DerError when malformed. */
export function readNameConstraints(value: Uint8Array): NameConstraints {
  const root = parseDer(value);
  if (root.tag !== 0x30) throw new DerError('nameConstraints is not a SEQUENCE');
  let permitted: Subtrees | null = null;
  let excluded: Subtrees | null = null;
  for (const child of root.children) {
    if (child.tag === 0xa0 && !permitted) permitted = readSubtrees(value, child);
    else if (child.tag === 0xa1 && !excluded) excluded = readSubtrees(value, child);
    else throw new DerError('unexpected element in nameConstraints');
  }
  if (!permitted && !excluded)
    throw new DerError('nameConstraints with neither permitted nor excluded subtrees');
  return { permitted, excluded };
}

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
