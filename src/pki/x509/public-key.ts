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

/** The facts of a DER SubjectPublicKeyInfo; CUSTOS_DER_MALFORMED when it is not one. */
export function readSpki(spki: Uint8Array): PublicKeyFacts {
  const top = new Asn1Cursor(Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), 0, spki.length);
  top.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo');
  top.finish('subjectPublicKeyInfo');
  return readPublicKey(top.inner());
}
