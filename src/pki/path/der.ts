/**
 * A strict DER walker for the parts of a certificate that path validation reads byte for byte (the raw
 * issuer and subject names, the algorithm identifiers, the SubjectPublicKeyInfo, name constraints).
 * It refuses what BER allows and DER does not (indefinite lengths, non-minimal length octets, data after the
 * end), so a malformed certificate is refused instead of guessed at. Primitive values are not interpreted.
 */

export interface DerNode {
  /** The identifier octet (class, constructed bit and tag number; high tag numbers are refused). */
  tag: number;
  /** Offset of the identifier octet in the input. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the last content octet. */
  end: number;
  /** Children, parsed for constructed encodings only. */
  children: DerNode[];
}

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

const MAX_DEPTH = 32;

function parseNode(bytes: Uint8Array, offset: number, limit: number, depth: number): DerNode {
  if (depth > MAX_DEPTH) throw new DerError('nesting deeper than 32 levels');
  if (offset + 2 > limit) throw new DerError(`truncated header at offset ${offset}`);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag number form at offset ${offset}`);
  let length = bytes[offset + 1]!;
  let contentStart = offset + 2;
  if (length === 0x80) throw new DerError(`indefinite length at offset ${offset}`);
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4) throw new DerError(`length of ${count} octets at offset ${offset}`);
    if (contentStart + count > limit) throw new DerError(`truncated length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[contentStart + i]!;
    if (bytes[contentStart] === 0 || length < 0x80) {
      throw new DerError(`non-minimal length encoding at offset ${offset}`);
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError(`value runs past its enclosing structure at offset ${offset}`);
  const children: DerNode[] = [];
  if (tag & 0x20) {
    let at = contentStart;
    while (at < end) {
      const child = parseNode(bytes, at, end, depth + 1);
      children.push(child);
      at = child.end;
    }
  }
  return { tag, start: offset, contentStart, end, children };
}

/** Parses one complete DER value; throws DerError when the bytes are not DER or carry trailing data. */
export function parseDer(bytes: Uint8Array): DerNode {
  const node = parseNode(bytes, 0, bytes.length, 0);
  if (node.end !== bytes.length) throw new DerError(`${bytes.length - node.end} bytes after the end`);
  return node;
}

export const content = (bytes: Uint8Array, node: DerNode): Uint8Array =>
  bytes.subarray(node.contentStart, node.end);

export const whole = (bytes: Uint8Array, node: DerNode): Uint8Array => bytes.subarray(node.start, node.end);

/** Dotted text of an OBJECT IDENTIFIER's content octets. */
export function decodeOid(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let arc = 0;
  for (let i = 0; i < value.length; i++) {
    const byte = value[i]!;
    if (arc === 0 && byte === 0x80) throw new DerError('non-minimal OBJECT IDENTIFIER arc');
    arc = arc * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(arc);
      arc = 0;
    }
  }
  if (value[value.length - 1]! & 0x80) throw new DerError('truncated OBJECT IDENTIFIER');
  const first = arcs.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
