import { PkiFormatError } from '../problem.js';

/**
 * A small BER/DER reader for the container formats: it walks tag-length-value nodes in place (no copies),
 * accepts BER's indefinite lengths and constructed strings (Windows and Java write PKCS#12 and PKCS#7 that
 * way), and bounds nesting so hostile input cannot exhaust the stack. Errors are `PkiFormatError`s:
 * `CUSTOS_FILE_TRUNCATED` when a length runs past the end of the whole input, `CUSTOS_DER_MALFORMED` for
 * anything else.
 */
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

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
  /** [0] constructed, context-specific. */
  context0: 0xa0,
  /** [0] primitive, context-specific. */
  context0Primitive: 0x80,
} as const;

const MAX_DEPTH = 48;

export function isConstructed(tlv: Tlv): boolean {
  return (tlv.id & 0x20) !== 0;
}

function fail(bytes: Uint8Array, limit: number, message: string): never {
  throw new PkiFormatError(limit >= bytes.length ? 'CUSTOS_FILE_TRUNCATED' : 'CUSTOS_DER_MALFORMED', message);
}

/** Reads the node that starts at `offset` and must end by `limit`. */
export function readTlv(bytes: Uint8Array, offset: number, limit: number = bytes.length, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'ASN.1 nesting is too deep');
  if (offset + 2 > limit) fail(bytes, limit, `ASN.1 ends at byte ${offset} before a tag and length`);
  const id = bytes[offset]!;
  let p = offset + 1;
  if ((id & 0x1f) === 0x1f) {
    // High tag number: base-128 digits, at most four of them for anything real.
    let n = 0;
    while (p < limit && (bytes[p]! & 0x80) !== 0 && n < 4) {
      p++;
      n++;
    }
    if (n >= 4) throw new PkiFormatError('CUSTOS_DER_MALFORMED', `tag number too large at byte ${offset}`);
    p++;
    if (p >= limit) fail(bytes, limit, `ASN.1 ends inside the tag at byte ${offset}`);
  }
  const first = bytes[p++]!;
  if (first < 0x80) return checked(bytes, id, offset, p, p + first, limit);
  const count = first & 0x7f;
  if (count === 0) {
    if ((id & 0x20) === 0) {
      throw new PkiFormatError('CUSTOS_DER_MALFORMED', `indefinite length on a primitive at byte ${offset}`);
    }
    let q = p;
    for (;;) {
      if (q + 2 > limit) fail(bytes, limit, `indefinite-length value at byte ${offset} has no end`);
      if (bytes[q] === 0 && bytes[q + 1] === 0)
        return { id, start: offset, contentStart: p, contentEnd: q, end: q + 2 };
      q = readTlv(bytes, q, limit, depth + 1).end;
    }
  }
  if (count > 4) throw new PkiFormatError('CUSTOS_DER_MALFORMED', `length too large at byte ${offset}`);
  if (p + count > limit) fail(bytes, limit, `ASN.1 ends inside the length at byte ${offset}`);
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[p++]!;
  return checked(bytes, id, offset, p, p + length, limit);
}

function checked(
  bytes: Uint8Array,
  id: number,
  start: number,
  contentStart: number,
  end: number,
  limit: number,
): Tlv {
  if (end > limit) fail(bytes, limit, `ASN.1 value at byte ${start} runs ${end - limit} bytes past its end`);
  return { id, start, contentStart, contentEnd: end, end };
}

/** Reads the node at `offset` and checks its identifier octet. */
export function expectTlv(bytes: Uint8Array, offset: number, limit: number, id: number, what: string): Tlv {
  const tlv = readTlv(bytes, offset, limit);
  if (tlv.id !== id) {
    throw new PkiFormatError(
      'CUSTOS_DER_MALFORMED',
      `${what}: expected tag 0x${id.toString(16)}, found 0x${tlv.id.toString(16)}`,
    );
  }
  return tlv;
}

/** The nodes inside a constructed node, in order. */
export function children(bytes: Uint8Array, parent: Tlv, depth = 0): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.contentEnd) {
    const child = readTlv(bytes, p, parent.contentEnd, depth + 1);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** The bytes of a string type; a constructed (BER) string is the concatenation of its segments. */
export function stringBytes(bytes: Uint8Array, tlv: Tlv, depth = 0): Uint8Array {
  if (!isConstructed(tlv)) return bytes.subarray(tlv.contentStart, tlv.contentEnd);
  if (depth > 8) throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'constructed string nested too deeply');
  const parts = children(bytes, tlv).map((part) => stringBytes(bytes, part, depth + 1));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oidText(bytes: Uint8Array, tlv: Tlv): string {
  if (tlv.id !== TAG.oid || tlv.contentEnd === tlv.contentStart) {
    throw new PkiFormatError('CUSTOS_DER_MALFORMED', `expected an OBJECT IDENTIFIER at byte ${tlv.start}`);
  }
  const arcs: number[] = [];
  let value = 0;
  for (let p = tlv.contentStart; p < tlv.contentEnd; p++) {
    const b = bytes[p]!;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) {
      throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'OBJECT IDENTIFIER arc too large');
    }
    if ((b & 0x80) === 0) {
      if (arcs.length === 0)
        arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** A non-negative INTEGER that fits a JavaScript number (iteration counts, versions, lengths). */
export function smallInteger(bytes: Uint8Array, tlv: Tlv): number {
  const length = tlv.contentEnd - tlv.contentStart;
  if (tlv.id !== TAG.integer || length === 0 || length > 6 || (bytes[tlv.contentStart]! & 0x80) !== 0) {
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
