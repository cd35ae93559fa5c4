/**
 * subjectKeyIdentifier (RFC 5280 4.2.1.2). The encoder is by hand (KeyIdentifier ::= OCTET STRING): it changes
 * with every issued leaf, see subject-alt-name.ts for the figures; extensions.test.ts checks it against the schema.
 */
import { TAG, type Asn1Mode } from '../../asn1/reader.js';
import { tlv } from '../generate/der-writer.js';
import { asBuffer, extensionValue, type Extension } from './extension-value.js';

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

export function encodeSubjectKeyIdentifier(keyIdentifier: Uint8Array): Uint8Array {
  return tlv(TAG.OCTET_STRING, keyIdentifier);
}

/** RFC 5280 4.2.1.2, not critical. */
export function subjectKeyIdentifierExtension(keyIdentifier: Uint8Array): Extension {
  return {
    oid: OID_SUBJECT_KEY_IDENTIFIER,
    critical: false,
    value: encodeSubjectKeyIdentifier(keyIdentifier),
  };
}
