/**
 * Key identifiers as RFC 5280 §4.2.1.2 method (1) derives them: the SHA-1 of the subjectPublicKey BIT STRING's
 * value (without its unused-bits octet). Used for the subject and authority key identifiers and for the OCSP
 * responder's byKey ResponderID and CertID issuerKeyHash (RFC 6960 §4.1.1, §4.2.1), which hash the same bytes.
 */
import { hash } from 'node:crypto';
import { Asn1Cursor, malformed, TAG } from '../../asn1/reader.js';

/** The subjectPublicKey bits of a DER SubjectPublicKeyInfo; CUSTOS_DER_MALFORMED when it is not one. */
export function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const top = new Asn1Cursor(spki, 0, spki.length);
  top.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo');
  top.finish('subjectPublicKeyInfo');
  const info = top.inner();
  info.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo algorithm');
  info.expect(TAG.BIT_STRING, 'subjectPublicKey');
  info.finish('subjectPublicKeyInfo');
  if (info.end === info.start || spki[info.start] !== 0) malformed('subjectPublicKey: not whole octets');
  return spki.subarray(info.start + 1, info.end);
}

/** SHA-1 of the subjectPublicKey bits: 20 octets. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  return new Uint8Array(hash('sha1', subjectPublicKeyBits(spki), 'buffer'));
}
