/** The facts of a SubjectPublicKeyInfo the inventory keeps: algorithm, size and named curve. */
import { keyAlgorithmOf, namedCurve, OID_EC_PUBLIC_KEY, type KeyAlgorithm } from '../asn1/algorithms.js';
import { decodeOid } from '../asn1/oid.js';
import { Asn1Cursor, malformed, TAG } from '../asn1/reader.js';

export interface PublicKeyFacts {
  algorithm: KeyAlgorithm;
  size: number | null;
  curve: string | null;
}

export function readPublicKey(spki: Asn1Cursor): PublicKeyFacts {
  const bytes = spki.bytes as Buffer;
  spki.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo algorithm');
  const algorithm = spki.inner();
  spki.expect(TAG.BIT_STRING, 'subjectPublicKey');
  spki.finish('subjectPublicKeyInfo');
  algorithm.expect(TAG.OID, 'subjectPublicKeyInfo algorithm OID');
  const oid = decodeOid(bytes, algorithm.start, algorithm.end);
  const keyAlgorithm = keyAlgorithmOf(oid);
  switch (keyAlgorithm) {
    case 'RSA': {
      if (spki.end - spki.start < 1 || bytes[spki.start] !== 0) malformed('RSA public key: unused bits');
      const key = new Asn1Cursor(bytes, spki.start + 1, spki.end, spki.mode);
      key.expect(TAG.SEQUENCE, 'RSAPublicKey');
      key.finish('RSAPublicKey');
      const fields = key.inner();
      fields.expect(TAG.INTEGER, 'RSA modulus');
      return { algorithm: 'RSA', size: bitLength(bytes, fields.start, fields.end), curve: null };
    }
    case 'ECDSA': {
      if (oid !== OID_EC_PUBLIC_KEY || algorithm.peek() !== TAG.OID)
        return { algorithm: 'ECDSA', size: null, curve: null };
      algorithm.next('namedCurve');
      const curve = namedCurve(decodeOid(bytes, algorithm.start, algorithm.end));
      return { algorithm: 'ECDSA', size: curve.size || null, curve: curve.name };
    }
    case 'Ed25519':
      return { algorithm: 'Ed25519', size: 256, curve: null };
    case 'Ed448':
      return { algorithm: 'Ed448', size: 456, curve: null };
  }
  return { algorithm: 'unknown', size: null, curve: null };
}

/** Bits of an unsigned big-endian integer, not counting leading zero bits. */
function bitLength(bytes: Buffer, start: number, end: number): number {
  while (start < end && bytes[start] === 0) start++;
  if (start === end) return 0;
  return (end - start - 1) * 8 + (32 - Math.clz32(bytes[start]));
}

/** A SubjectPublicKeyInfo as a CA judges it: the inventory's facts, the algorithm OID, and the RSA numbers. */
export interface SubjectPublicKey extends PublicKeyFacts {
  /** Dotted OID of the SPKI algorithm (rsaEncryption, id-RSASSA-PSS, id-ecPublicKey, id-Ed25519, ...). */
  oid: string;
  /** The DER AlgorithmIdentifier (OID and parameters), as encoded. */
  algorithmDer: Uint8Array;
  /** The subjectPublicKey BIT STRING's bytes (without its unused-bits octet). */
  keyBytes: Uint8Array;
  /** RSAPublicKey (RFC 8017 §A.1.1): modulus and publicExponent as unsigned big-endian bytes; null for other keys. */
  rsa: { modulus: Uint8Array; publicExponent: Uint8Array } | null;
}

/**
 * Reads a whole DER SubjectPublicKeyInfo strictly (an untrusted CSR's or a generated key's): CUSTOS_DER_MALFORMED
 * for anything else, including a negative or empty RSA modulus or exponent.
 */
export function readSubjectPublicKey(der: Uint8Array): SubjectPublicKey {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const outer = new Asn1Cursor(bytes, 0, bytes.length, 'strict-der');
  outer.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo');
  outer.finish('subjectPublicKeyInfo');
  const facts = readPublicKey(outer.inner());
  const spki = outer.inner();
  spki.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo algorithm');
  const algorithmDer = bytes.subarray(spki.tlvStart, spki.end);
  const algorithm = spki.inner();
  algorithm.expect(TAG.OID, 'subjectPublicKeyInfo algorithm OID');
  const oid = decodeOid(bytes, algorithm.start, algorithm.end);
  spki.expect(TAG.BIT_STRING, 'subjectPublicKey');
  if (spki.end - spki.start < 1 || bytes[spki.start] !== 0) malformed('subjectPublicKey: unused bits');
  const keyBytes = bytes.subarray(spki.start + 1, spki.end);
  if (facts.algorithm !== 'RSA') return { ...facts, oid, algorithmDer, keyBytes, rsa: null };
  const key = new Asn1Cursor(bytes, spki.start + 1, spki.end, 'strict-der');
  key.expect(TAG.SEQUENCE, 'RSAPublicKey');
  const fields = key.inner();
  const modulus = unsignedInteger(fields, 'RSA modulus');
  const publicExponent = unsignedInteger(fields, 'RSA publicExponent');
  fields.finish('RSAPublicKey');
  return { ...facts, oid, algorithmDer, keyBytes, rsa: { modulus, publicExponent } };
}

/** A non-negative INTEGER's value bytes without the sign octet. */
function unsignedInteger(cursor: Asn1Cursor, what: string): Uint8Array {
  cursor.expect(TAG.INTEGER, what);
  const value = cursor.bytes.subarray(cursor.start, cursor.end);
  if (value.length === 0) malformed(`${what}: empty INTEGER`);
  if ((value[0]! & 0x80) !== 0) malformed(`${what}: negative`);
  return value[0] === 0 ? value.subarray(1) : value;
}
