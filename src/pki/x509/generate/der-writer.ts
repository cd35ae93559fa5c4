import { TAG } from '../../asn1/reader.js';
/**
 * The few DER encoders the hand-written hot path of issuance needs (TBSCertificate, names, subjectAltName and
 * subjectKeyIdentifier: what changes with every issued leaf); everything else is encoded through the
 * @peculiar/asn1-* schemas. Each returns a fresh buffer; `tlv` joins already-encoded parts.
 */

/** How many length octets DER writes for a content of `length` bytes (X.690 8.1.3, definite form, shortest). */
function lengthOctetCount(length: number): number {
  if (length < 0x80) return 1;
  let count = 1;
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) count++;
  return count;
}

/**
 * Tag, length and the concatenated parts, written into one buffer without intermediate arrays (every issued leaf
 * calls this ~40 times: with the length octets built as an array first it was 5% of bench/issue's in-memory run).
 */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const header = lengthOctetCount(length);
  const out = new Uint8Array(1 + header + length);
  out[0] = tag;
  if (header === 1) out[1] = length;
  else {
    out[1] = 0x80 | (header - 1);
    for (let i = header, rest = length; i >= 2; i--, rest = Math.floor(rest / 256)) out[i] = rest & 0xff;
  }
  let at = 1 + header;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The DER INTEGER content of a non-negative number given as its big-endian magnitude: leading zeros dropped,
 * a 0x00 added before a high bit.
 */
export function unsignedIntegerContent(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const body = magnitude.subarray(start);
  if (body.length === 0) return new Uint8Array([0]);
  if (!(body[0]! & 0x80)) return body;
  const padded = new Uint8Array(body.length + 1);
  padded.set(body, 1);
  return padded;
}

const oidCache = new Map<string, Uint8Array>();

/** The DER OBJECT IDENTIFIER of a dotted OID (cached: the same few OIDs are encoded again and again). */
export function objectIdentifier(dotted: string): Uint8Array {
  let encoded = oidCache.get(dotted);
  if (encoded) return encoded;
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const content: number[] = [];
  const push = (value: bigint): void => {
    const septets = [Number(value & 0x7fn)];
    for (let rest = value >> 7n; rest > 0n; rest >>= 7n) septets.unshift(Number(rest & 0x7fn) | 0x80);
    content.push(...septets);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  encoded = tlv(TAG.OID, new Uint8Array(content));
  oidCache.set(dotted, encoded);
  return encoded;
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * A certificate validity time as RFC 5280 §4.1.2.5 requires: UTCTime (YYMMDDHHMMSSZ) for 1950 through 2049,
 * GeneralizedTime (YYYYMMDDHHMMSSZ) otherwise; seconds always present, fractions never.
 */
export function validityTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  const rest =
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    'Z';
  if (year >= 1950 && year < 2050) return tlv(TAG.UTC_TIME, Buffer.from(two(year % 100) + rest, 'latin1'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(String(year).padStart(4, '0') + rest, 'latin1'));
}

/** A BIT STRING with no unused bits around `bytes`. */
export function bitString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG.BIT_STRING, new Uint8Array([0]), bytes);
}

/**
 * A signed structure as X.509 shapes them all (Certificate, CertificateList, CertificationRequest,
 * BasicOCSPResponse): SEQUENCE { tbs, signatureAlgorithm, BIT STRING signature, ...trailing }.
 */
export function encodeSigned(
  tbs: Uint8Array,
  signatureAlgorithm: Uint8Array,
  signature: Uint8Array,
  ...trailing: Uint8Array[]
): Uint8Array {
  return tlv(TAG.SEQUENCE, tbs, signatureAlgorithm, bitString(signature), ...trailing);
}

/** DER's GeneralizedTime carries no fraction here (RFC 5280 §4.1.2.5.2, and what clients expect in OCSP). */
export const wholeSeconds = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);
