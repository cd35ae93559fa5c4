/**
 * nameConstraints (RFC 5280 4.2.1.10): dNSName and iPAddress subtrees, directoryName subtrees (each base as the
 * DER of its RDNs), and the tag numbers of the forms present but not read (rfc822Name, URI, ...). How path
 * validation applies them is src/pki/path/name-constraints.ts.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  Name,
  NameConstraints as Asn1NameConstraints,
} from '@peculiar/asn1-x509';
import { parseIpAddress } from '../../ip-address.js';
import { invalidParameter } from '../../problem.js';
import { malformed, type Asn1Mode } from '../../asn1/reader.js';
import { contentOf, readTree, type Asn1Node } from '../../asn1/tlv.js';
import { encodeValue, type Extension } from './extension-value.js';
import type { GeneralNameInput } from './subject-alt-name.js';

export const OID_NAME_CONSTRAINTS = '2.5.29.30';

export interface IpSubtree {
  address: Uint8Array;
  mask: Uint8Array;
}

export interface Subtrees {
  /** dNSName bases, lower-cased. */
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

const rdnsOf = (bytes: Uint8Array, name: Asn1Node): Uint8Array[] =>
  name.children.map((rdn) => bytes.subarray(rdn.start, rdn.end));

/** The RDNs of a DER Name, each as its DER SET. */
export function readRdns(name: Uint8Array, mode: Asn1Mode = 'strict-der'): Uint8Array[] {
  return rdnsOf(name, readTree(name, mode));
}

function readSubtrees(bytes: Uint8Array, subtreesNode: Asn1Node): Subtrees {
  const result: Subtrees = { dns: [], ip: [], directory: [], unsupported: [] };
  for (const subtree of subtreesNode.children) {
    const base = subtree.children[0];
    if (subtree.id !== 0x30 || !base) malformed('malformed GeneralSubtree');
    if (subtree.children.length > 1) malformed('GeneralSubtree minimum/maximum are not allowed');
    if (base.id === 0x82) {
      result.dns.push(Buffer.from(contentOf(bytes, base)).toString('latin1').toLowerCase());
    } else if (base.id === 0x87) {
      const value = contentOf(bytes, base);
      if (value.length !== 8 && value.length !== 32) malformed('iPAddress constraint of a wrong length');
      const half = value.length / 2;
      result.ip.push({ address: value.slice(0, half), mask: value.slice(half) });
    } else if (base.id === 0xa4 && base.children[0]?.id === 0x30) {
      result.directory.push(rdnsOf(bytes, base.children[0]));
    } else {
      result.unsupported.push(base.id & 0x1f);
    }
  }
  return result;
}

/** Decodes the extension value; refuses a value with neither permitted nor excluded subtrees. */
export function decodeNameConstraints(der: Uint8Array, mode: Asn1Mode = 'strict-der'): NameConstraints {
  const root = readTree(der, mode);
  if (root.id !== 0x30) malformed('nameConstraints is not a SEQUENCE');
  let permitted: Subtrees | null = null;
  let excluded: Subtrees | null = null;
  for (const child of root.children) {
    if (child.id === 0xa0 && !permitted) permitted = readSubtrees(der, child);
    else if (child.id === 0xa1 && !excluded) excluded = readSubtrees(der, child);
    else malformed('unexpected element in nameConstraints');
  }
  if (!permitted && !excluded) malformed('nameConstraints with neither permitted nor excluded subtrees');
  return { permitted, excluded };
}

/** What the writer takes: the bases of the permitted and excluded subtrees. */
export interface NameConstraintsInput {
  /** An `ip` subtree is ADDRESS/PREFIX ("10.0.0.0/8", "2001:db8::/32"). */
  permitted?: readonly GeneralNameInput[];
  excluded?: readonly GeneralNameInput[];
}

/**
 * An IP address as asn1-x509's converter reads it: dotted IPv4, or IPv6 as eight uncompressed groups (its
 * parser does not know every RFC 4291 form, so the project's own parser reads the caller's text first).
 */
function ipText(text: string, what: string): string {
  const bytes = parseIpAddress(text) ?? invalidParameter(`${what}: "${text}" is not an IPv4 or IPv6 address`);
  if (bytes.length === 4) return [...bytes].join('.');
  return Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(
    ':',
  );
}

/** A subtree base as asn1-x509's GeneralName (an `ip` is ADDRESS/PREFIX). */
function subtreeBase(name: GeneralNameInput): GeneralName {
  if ('dns' in name) return new GeneralName({ dNSName: name.dns });
  if ('uri' in name) return new GeneralName({ uniformResourceIdentifier: name.uri });
  if ('email' in name) return new GeneralName({ rfc822Name: name.email });
  if ('directoryName' in name)
    return new GeneralName({ directoryName: AsnConvert.parse(name.directoryName, Name) });
  const [address, prefix] = name.ip.split('/');
  const text = ipText(address ?? '', 'name constraint iPAddress');
  const bits = Number(prefix);
  const max = text.includes(':') ? 128 : 32;
  if (!/^\d+$/.test(prefix ?? '') || bits > max)
    invalidParameter(
      `name constraint iPAddress: "${name.ip}" is not ADDRESS/PREFIX with a prefix of 0 to ${max}`,
    );
  return new GeneralName({ iPAddress: `${text}/${bits}` });
}

function encodeSubtrees(names?: readonly GeneralNameInput[]): GeneralSubtrees | undefined {
  if (!names || names.length === 0) return undefined;
  return new GeneralSubtrees(names.map((name) => new GeneralSubtree({ base: subtreeBase(name) })));
}

/** The subtrees in the order given, through the schema. */
export function encodeNameConstraints(value: NameConstraintsInput): Uint8Array {
  return encodeValue(
    new Asn1NameConstraints({
      permittedSubtrees: encodeSubtrees(value.permitted),
      excludedSubtrees: encodeSubtrees(value.excluded),
    }),
  );
}

/** RFC 5280 4.2.1.10, critical. */
export function nameConstraintsExtension(value: NameConstraintsInput): Extension {
  return { oid: OID_NAME_CONSTRAINTS, critical: true, value: encodeNameConstraints(value) };
}
