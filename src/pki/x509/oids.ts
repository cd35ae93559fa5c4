/**
 * Object identifiers the lean reader names: signature algorithms (OpenSSL's names, as `openssl x509 -text`
 * prints them, except Ed25519/Ed448 which OpenSSL upper-cases), public key algorithms and named curves.
 */
import type { KeyAlgorithm } from './parsed-certificate.js';
import { malformed } from './der-reader.js';

/** Dotted text of the OBJECT IDENTIFIER content bytes[start, end), as asn1js prints it. */
export function decodeOid(bytes: Uint8Array, start: number, end: number): string {
  if (start >= end) malformed('object identifier: empty');
  if (bytes[end - 1] & 0x80) malformed('object identifier: last sub-identifier is cut off');
  let text = '';
  let first = true;
  let value = 0;
  let big: bigint | null = null;
  for (let p = start; p < end; p++) {
    const b = bytes[p];
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
  }
  return text;
}

const SIGNATURE_ALGORITHMS = new Map<string, string>([
  ['1.2.840.113549.1.1.2', 'md2WithRSAEncryption'],
  ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption'],
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
  ['1.2.840.113549.1.1.10', 'rsassaPss'],
  ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'],
  ['1.2.840.113549.1.1.12', 'sha384WithRSAEncryption'],
  ['1.2.840.113549.1.1.13', 'sha512WithRSAEncryption'],
  ['1.2.840.113549.1.1.14', 'sha224WithRSAEncryption'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'],
  ['1.2.840.10045.4.3.1', 'ecdsa-with-SHA224'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'],
  ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512'],
  ['1.3.101.112', 'Ed25519'],
  ['1.3.101.113', 'Ed448'],
  ['1.2.840.10040.4.3', 'dsaWithSHA1'],
  ['2.16.840.1.101.3.4.3.1', 'dsa_with_SHA224'],
  ['2.16.840.1.101.3.4.3.2', 'dsa_with_SHA256'],
]);

/** OpenSSL's name of a signature algorithm, or the dotted OID when it is not one of the common ones. */
export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHMS.get(oid) ?? oid;
}

const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

const KEY_ALGORITHMS = new Map<string, KeyAlgorithm>([
  [OID_RSA_ENCRYPTION, 'RSA'],
  [OID_RSASSA_PSS, 'RSA'],
  [OID_EC_PUBLIC_KEY, 'ECDSA'],
  ['1.3.101.112', 'Ed25519'],
  ['1.3.101.113', 'Ed448'],
]);

export function keyAlgorithmOf(oid: string): KeyAlgorithm {
  return KEY_ALGORITHMS.get(oid) ?? 'unknown';
}

/** Named curves: their size in bits and the name the inventory shows (the NIST name, else the OID). */
const CURVES = new Map<string, { name: string; size: number }>([
  ['1.2.840.10045.3.1.7', { name: 'P-256', size: 256 }],
  ['1.3.132.0.34', { name: 'P-384', size: 384 }],
  ['1.3.132.0.35', { name: 'P-521', size: 521 }],
  ['1.2.840.10045.3.1.1', { name: '1.2.840.10045.3.1.1', size: 192 }],
  ['1.3.132.0.33', { name: '1.3.132.0.33', size: 224 }],
  ['1.3.132.0.10', { name: '1.3.132.0.10', size: 256 }],
  ...[160, 192, 224, 256, 320, 384, 512].flatMap((size, i) =>
    [1 + 2 * i, 2 + 2 * i].map((arc) => {
      const oid = `1.3.36.3.3.2.8.1.1.${arc}`; // brainpoolP<size>r1 (odd arcs) and t1 (even arcs)
      return [oid, { name: oid, size }] as const;
    }),
  ),
]);

export function namedCurve(oid: string): { name: string; size: number } {
  return CURVES.get(oid) ?? { name: oid, size: 0 };
}

/** DN attribute short names, exactly those @peculiar/x509 2.2 prints (others print as the dotted OID). */
const ATTRIBUTE_NAMES = new Map<string, string>([
  ['2.5.4.3', 'CN'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.6', 'C'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['1.2.840.113549.1.9.1', 'E'],
  ['2.5.4.42', 'G'],
  ['2.5.4.43', 'I'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.12', 'T'],
]);

/** The short name of a DN attribute type given its OID content bytes, or its dotted OID. */
export function attributeName(bytes: Uint8Array, start: number, end: number): string {
  // Fast path for the id-at arc (2.5.4.x, content 55 04 xx) that almost every name uses.
  if (end - start === 3 && bytes[start] === 0x55 && bytes[start + 1] === 0x04) {
    const short = AT_SHORT[bytes[start + 2]];
    if (short) return short;
  }
  const oid = decodeOid(bytes, start, end);
  return ATTRIBUTE_NAMES.get(oid) ?? oid;
}

const AT_SHORT: (string | undefined)[] = [];
for (const [oid, name] of ATTRIBUTE_NAMES) {
  const m = /^2\.5\.4\.(\d+)$/.exec(oid);
  if (m) AT_SHORT[Number(m[1])] = name;
}
