/** subjectKeyIdentifier (RFC 5280 4.2.1.2). */
import { SubjectKeyIdentifier as Asn1SubjectKeyIdentifier } from '@peculiar/asn1-x509';
import { TAG, type Asn1Mode } from '../../asn1/reader.js';
import { asBuffer, encodeValue, extensionValue } from './extension-value.js';

export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** The key identifier, lower-case hex. */
export function decodeSubjectKeyIdentifier(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): string {
  const keyId = extensionValue(der, mode, TAG.OCTET_STRING, 'subjectKeyIdentifier', start, end);
  return asBuffer(der).toString('hex', keyId.start, keyId.end);
}

export function encodeSubjectKeyIdentifier(keyIdHex: string): Uint8Array {
  return encodeValue(new Asn1SubjectKeyIdentifier(Buffer.from(keyIdHex, 'hex')));
}
