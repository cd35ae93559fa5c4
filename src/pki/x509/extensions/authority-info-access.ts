/** authorityInfoAccess (RFC 5280 4.2.2.1): read back for the lints (writing is in ../generate/extension-values.ts). */
import { decodeOid } from '../../asn1/oid.js';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { latin1 } from '../names.js';
import { asBuffer, extensionValue } from './extension-value.js';

export const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
export const ACCESS_METHOD_OCSP = '1.3.6.1.5.5.7.48.1';
export const ACCESS_METHOD_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

export interface AccessDescription {
  /** accessMethod OID. */
  method: string;
  /** The accessLocation GeneralName's tag number (6: uniformResourceIdentifier). */
  locationTag: number;
  /** The accessLocation as text when it is an IA5String form (URI, DNS name, email), else ''. */
  location: string;
}

/** The AccessDescriptions; an empty SEQUENCE is refused (SIZE (1..MAX)). */
export function decodeAuthorityInfoAccess(
  der: Uint8Array,
  mode: Asn1Mode = 'strict-der',
): AccessDescription[] {
  const list = extensionValue(der, mode, TAG.SEQUENCE, 'authorityInfoAccess', 0, der.length).inner();
  if (!list.hasMore()) malformed('authorityInfoAccess is empty (RFC 5280 4.2.2.1)');
  const bytes = asBuffer(der);
  const out: AccessDescription[] = [];
  while (list.hasMore()) {
    list.expect(TAG.SEQUENCE, 'AccessDescription');
    const description = list.inner();
    description.expect(TAG.OID, 'AccessDescription accessMethod');
    const method = decodeOid(der, description.start, description.end, mode === 'strict-der');
    const tag = description.next('AccessDescription accessLocation');
    description.finish('AccessDescription');
    const tagNumber = tag & 0x1f;
    const textual = tag === 0x81 || tag === 0x82 || tag === 0x86;
    out.push({
      method,
      locationTag: tagNumber,
      location: textual ? latin1(bytes, description.start, description.end) : '',
    });
  }
  return out;
}
