/** extendedKeyUsage (RFC 5280 4.2.1.12). */
import * as asn1 from '@peculiar/asn1-x509';
import { decodeOid } from '../../asn1/oid.js';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { encodeValue, extensionValue, remember, type Extension } from './extension-value.js';

export const OID_EXTENDED_KEY_USAGE = '2.5.29.37';
export const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_ANY = '2.5.29.37.0';

/** The key purposes the writer takes by name. */
export const EXTENDED_KEY_USAGE = {
  serverAuth: EKU_SERVER_AUTH,
  clientAuth: EKU_CLIENT_AUTH,
  codeSigning: asn1.id_kp_codeSigning,
  emailProtection: asn1.id_kp_emailProtection,
  timeStamping: asn1.id_kp_timeStamping,
  OCSPSigning: asn1.id_kp_OCSPSigning,
} as const;

/** A named extended key usage, or any purpose as a dotted OID. */
export type ExtendedKeyUsageName = keyof typeof EXTENDED_KEY_USAGE | `${number}.${number}.${string}`;

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
  return encodeValue(new asn1.ExtendedKeyUsage([...oids]));
}

/** The OIDs of named or dotted key purposes. */
export function extendedKeyUsageOids(usages: readonly ExtendedKeyUsageName[]): string[] {
  return usages.map((u) => (u in EXTENDED_KEY_USAGE ? EXTENDED_KEY_USAGE[u as 'serverAuth'] : u));
}

/** RFC 5280 4.2.1.12, not critical. */
export function extendedKeyUsageExtension(usages: readonly ExtendedKeyUsageName[]): Extension {
  const oids = extendedKeyUsageOids(usages);
  return remember(`eku:${oids.join(',')}`, () => ({
    oid: OID_EXTENDED_KEY_USAGE,
    critical: false,
    value: encodeExtendedKeyUsage(oids),
  }));
}
