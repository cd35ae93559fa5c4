/**
 * IP address text, parsed and printed without node:net (core does no I/O): IPv4 as a number, IPv6 as a bigint.
 * Printing is the pki formatter's (RFC 5952: lower case, no leading zeros, the longest run of two or more zero
 * groups shortened to `::`; an IPv4-mapped address stays hexadecimal, `::ffff:a00:1`, as certificates print it),
 * so that one address always has one text.
 */
import { formatIpAddress } from '../../pki/ip-address.js';

/** Four decimal octets, no leading zeros (`010` is octal to some parsers and decimal to others: refused). */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** RFC 4291 section 2.2 text forms: eight groups, `::` once, an IPv4 tail. Zone identifiers are not accepted. */
export function parseIPv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (head === null || tail === null) return null;
  // An IPv4 tail is only allowed at the very end of the address.
  if (halves.length === 2 && halves[0].includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** RFC 5952 text through the one IPv6 formatter (src/pki/ip-address.ts), so an address has one text everywhere. */
export function formatIPv6(value: bigint): string {
  const bytes = new Uint8Array(16);
  for (let i = 15, rest = value; i >= 0; i--, rest >>= 8n) bytes[i] = Number(rest & 0xffn);
  return formatIpAddress(bytes);
}

/** The canonical text of an IP address, or null when the text is not one. */
export function canonicalIp(text: string): { family: 4 | 6; text: string } | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { family: 4, text: formatIPv4(v4) };
  const v6 = parseIPv6(text);
  if (v6 !== null) return { family: 6, text: formatIPv6(v6) };
  return null;
}
