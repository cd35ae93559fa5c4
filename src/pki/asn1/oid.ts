import { malformed } from './reader.js';

/**
 * Dotted text of the OBJECT IDENTIFIER content bytes[start, end), as asn1js prints it. Arcs of any size are
 * exact (a bigint takes over past 2^45); a last arc that is cut off (its final octet has the high bit) is
 * refused, and so, with `strict`, is a non-minimal arc (a leading 0x80 octet), which DER does not allow.
 */
export function decodeOid(bytes: Uint8Array, start: number, end: number, strict = false): string {
  if (start >= end) malformed('object identifier: empty');
  if (bytes[end - 1]! & 0x80) malformed('object identifier: last sub-identifier is cut off');
  let text = '';
  let first = true;
  let value = 0;
  let arcStart = true;
  let big: bigint | null = null;
  for (let p = start; p < end; p++) {
    const b = bytes[p]!;
    if (strict && arcStart && b === 0x80) malformed('object identifier: non-minimal sub-identifier');
    arcStart = false;
    if (big !== null) big = (big << 7n) | BigInt(b & 0x7f);
    else if (value >= 2 ** 45) big = (BigInt(value) << 7n) | BigInt(b & 0x7f);
    else value = value * 128 + (b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      first = false;
      if (big !== null) text = `2.${big - 80n}`;
      else text = value < 40 ? `0.${value}` : value < 80 ? `1.${value - 40}` : `2.${value - 80}`;
    } else {
      text += `.${big ?? value}`;
    }
    value = 0;
    big = null;
    arcStart = true;
  }
  return text;
}
