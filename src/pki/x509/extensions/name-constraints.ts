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
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509';
import { formatIpAddress } from '../../ip-address.js';
import { malformed, type Asn1Mode } from '../../asn1/reader.js';
import { contentOf, readTree, type Asn1Node } from '../../asn1/tlv.js';
import { encodeValue } from './extension-value.js';

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

/** A subtree as CIDR text ("10.0.0.0/8"), as @peculiar/asn1-x509 writes an iPAddress constraint. */
function cidr(subtree: IpSubtree): string {
  let prefix = 0;
  for (const byte of subtree.mask) prefix += byte.toString(2).replace(/0/g, '').length;
  return `${formatIpAddress(subtree.address)}/${prefix}`;
}

function encodeSubtrees(subtrees: Subtrees): GeneralSubtrees {
  const base = (name: GeneralName): GeneralSubtree => new GeneralSubtree({ base: name });
  return new GeneralSubtrees([
    ...subtrees.dns.map((dNSName) => base(new GeneralName({ dNSName }))),
    ...subtrees.ip.map((ip) => base(new GeneralName({ iPAddress: cidr(ip) }))),
    ...subtrees.directory.map((rdns) =>
      base(
        new GeneralName({
          directoryName: new Name(rdns.map((rdn) => AsnConvert.parse(rdn, RelativeDistinguishedName))),
        }),
      ),
    ),
  ]);
}

/** dNSName, iPAddress and directoryName subtrees (the `unsupported` tags are not written). */
export function encodeNameConstraints(value: NameConstraints): Uint8Array {
  return encodeValue(
    new Asn1NameConstraints({
      ...(value.permitted ? { permittedSubtrees: encodeSubtrees(value.permitted) } : {}),
      ...(value.excluded ? { excludedSubtrees: encodeSubtrees(value.excluded) } : {}),
    }),
  );
}
