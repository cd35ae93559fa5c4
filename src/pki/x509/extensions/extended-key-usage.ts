/** extendedKeyUsage (RFC 5280 4.2.1.12). */
import { ExtendedKeyUsage as Asn1ExtendedKeyUsage } from '@peculiar/asn1-x509';
import { decodeOid } from '../../asn1/oid.js';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { encodeValue, extensionValue } from './extension-value.js';

export const OID_EXTENDED_KEY_USAGE = '2.5.29.37';
export const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_ANY = '2.5.29.37.0';

/** The KeyPurposeId OIDs; in strict-der an empty list is refused (RFC 5280: SIZE (1..MAX)). */
export function decodeExtendedKeyUsage(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): string[] {
  const purposes = extensionValue(der, mode, TAG.SEQUENCE, 'extendedKeyUsage', start, end).inner();
  if (mode === 'strict-der' && !purposes.hasMore()) malformed('extendedKeyUsage is empty');
  const oids: string[] = [];
  while (purposes.hasMore()) {
    purposes.expect(TAG.OID, 'extendedKeyUsage KeyPurposeId');
    oids.push(decodeOid(der, purposes.start, purposes.end, mode === 'strict-der'));
  }
  return oids;
}

export function encodeExtendedKeyUsage(oids: readonly string[]): Uint8Array {
  return encodeValue(new Asn1ExtendedKeyUsage([...oids]));
}
