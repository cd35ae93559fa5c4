/**
 * Tag-length-value nodes over the one reader (reader.ts), for code that walks a structure by position: the
 * container readers (PKCS#12, PKCS#7, keys; mode `ber` by default) and path validation (`strict-der`).
 */
import { PkiFormatError } from '../problem.js';
import { decodeOid } from './oid.js';
import { Asn1Cursor, MAX_DEPTH, malformed, TAG, type Asn1Mode } from './reader.js';

export interface Tlv {
  /** The first identifier octet: class, constructed bit and tag number (0x1f for high tag numbers). */
  readonly id: number;
  readonly start: number;
  readonly contentStart: number;
  /** End of the contents (for an indefinite length: where its end-of-contents octets begin). */
  readonly contentEnd: number;
  /** End of the whole node. */
  readonly end: number;
}

export function isConstructed(tlv: Tlv): boolean {
  return (tlv.id & 0x20) !== 0;
}

/** Reads the node that starts at `offset` and must end by `limit`. */
export function readTlv(
  bytes: Uint8Array,
  offset: number,
  limit: number = bytes.length,
  mode: Asn1Mode = 'ber',
): Tlv {
  const cursor = new Asn1Cursor(bytes, offset, limit, mode);
  const id = cursor.next('ASN.1 value');
  return { id, start: offset, contentStart: cursor.start, contentEnd: cursor.end, end: cursor.pos };
}

/** Reads the node at `offset` and checks its identifier octet. */
export function expectTlv(bytes: Uint8Array, offset: number, limit: number, id: number, what: string): Tlv {
  const tlv = readTlv(bytes, offset, limit);
  if (tlv.id !== id) malformed(`${what}: expected tag 0x${id.toString(16)}, found 0x${tlv.id.toString(16)}`);
  return tlv;
}

/** The nodes inside a constructed node, in order. */
export function children(bytes: Uint8Array, parent: Tlv, mode: Asn1Mode = 'ber'): Tlv[] {
  const out: Tlv[] = [];
  const cursor = new Asn1Cursor(bytes, parent.contentStart, parent.contentEnd, mode, 1);
  while (cursor.hasMore()) {
    const start = cursor.pos;
    const id = cursor.next('ASN.1 value');
    out.push({ id, start, contentStart: cursor.start, contentEnd: cursor.end, end: cursor.pos });
  }
  return out;
}

/** The bytes of a string type; a constructed (BER) string is the concatenation of its segments. */
export function stringBytes(bytes: Uint8Array, tlv: Tlv, depth = 0): Uint8Array {
  if (!isConstructed(tlv)) return bytes.subarray(tlv.contentStart, tlv.contentEnd);
  if (depth > 8) malformed('constructed string nested too deeply');
  const parts = children(bytes, tlv).map((part) => stringBytes(bytes, part, depth + 1));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** An OBJECT IDENTIFIER node in dotted form. */
export function oidText(bytes: Uint8Array, tlv: Tlv): string {
  if (tlv.id !== TAG.OID) malformed(`expected an OBJECT IDENTIFIER at byte ${tlv.start}`);
  return decodeOid(bytes, tlv.contentStart, tlv.contentEnd);
}

/** A non-negative INTEGER that fits a JavaScript number (iteration counts, versions, lengths). */
export function smallInteger(bytes: Uint8Array, tlv: Tlv): number {
  const length = tlv.contentEnd - tlv.contentStart;
  if (tlv.id !== TAG.INTEGER || length === 0 || length > 6 || (bytes[tlv.contentStart]! & 0x80) !== 0) {
    throw new PkiFormatError(
      'CUSTOS_DER_MALFORMED',
      `expected a small non-negative INTEGER at byte ${tlv.start}`,
    );
  }
  let value = 0;
  for (let p = tlv.contentStart; p < tlv.contentEnd; p++) value = value * 256 + bytes[p]!;
  return value;
}

/** The whole encoding of a node, identifier to end. */
export function encoding(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** The content octets of a node. */
export function contentOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.contentStart, tlv.contentEnd);
}

/** A node with its children parsed (constructed encodings only), for structures read by position. */
export interface Asn1Node extends Tlv {
  readonly children: Asn1Node[];
}

function treeAt(bytes: Uint8Array, tlv: Tlv, mode: Asn1Mode, depth: number): Asn1Node {
  if (depth > MAX_DEPTH) malformed('ASN.1 nesting is too deep');
  const nested = isConstructed(tlv)
    ? children(bytes, tlv, mode).map((c) => treeAt(bytes, c, mode, depth + 1))
    : [];
  return { ...tlv, children: nested };
}

/** Parses one complete value into a tree; bytes after its end are refused. */
export function readTree(bytes: Uint8Array, mode: Asn1Mode): Asn1Node {
  const top = readTlv(bytes, 0, bytes.length, mode);
  if (top.end !== bytes.length) malformed(`${bytes.length - top.end} bytes after the end`);
  return treeAt(bytes, top, mode, 0);
}

/** Byte-for-byte equality (DER names, algorithm identifiers). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
