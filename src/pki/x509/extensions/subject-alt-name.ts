/** subjectAltName (RFC 5280 4.2.1.6). */
import { GeneralName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import { formatIpAddress } from '../../ip-address.js';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { latin1 } from '../names.js';
import { asBuffer, encodeValue, extensionValue } from './extension-value.js';

export const OID_SUBJECT_ALT_NAME = '2.5.29.17';

export interface SubjectAltName {
  /** dNSName entries, as encoded (no case folding). */
  dns: string[];
  /** iPAddress entries, 4 or 16 bytes each. */
  ip: Uint8Array[];
  /** uniformResourceIdentifier entries (a SPIFFE ID is one of these). */
  uri: string[];
  /** rfc822Name entries. */
  email: string[];
  /** Tag numbers of the other GeneralName forms present (0 otherName, 4 directoryName, 8 registeredID, ...). */
  otherNameTags: number[];
}

/**
 * The GeneralNames of a subjectAltName. An iPAddress of neither 4 nor 16 bytes is not an address (it is a
 * name-constraint range): lenient-der leaves it out, strict-der refuses it, and refuses an empty list too.
 */
export function decodeSubjectAltName(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): SubjectAltName {
  const names = extensionValue(der, mode, TAG.SEQUENCE, 'subjectAltName', start, end).inner();
  const out: SubjectAltName = { dns: [], ip: [], uri: [], email: [], otherNameTags: [] };
  if (mode === 'strict-der' && !names.hasMore()) malformed('subjectAltName is empty (RFC 5280 4.2.1.6)');
  const bytes = asBuffer(der);
  while (names.hasMore()) {
    const tag = names.next('subjectAltName GeneralName');
    switch (tag) {
      case 0x81:
        out.email.push(latin1(bytes, names.start, names.end));
        break;
      case 0x82:
        out.dns.push(latin1(bytes, names.start, names.end));
        break;
      case 0x86:
        out.uri.push(latin1(bytes, names.start, names.end));
        break;
      case 0x87: {
        const length = names.end - names.start;
        if (length === 4 || length === 16) out.ip.push(der.subarray(names.start, names.end));
        else if (mode === 'strict-der') malformed('subjectAltName iPAddress of a wrong length');
        break;
      }
      default:
        out.otherNameTags.push(tag & 0x1f);
    }
  }
  return out;
}

/** dNSName, iPAddress, URI and rfc822Name entries, in that order (other forms are not written). */
export function encodeSubjectAltName(value: Omit<SubjectAltName, 'otherNameTags'>): Uint8Array {
  return encodeValue(
    new SubjectAlternativeName([
      ...value.dns.map((dNSName) => new GeneralName({ dNSName })),
      ...value.ip.map((ip) => new GeneralName({ iPAddress: formatIpAddress(ip) })),
      ...value.uri.map((uniformResourceIdentifier) => new GeneralName({ uniformResourceIdentifier })),
      ...value.email.map((rfc822Name) => new GeneralName({ rfc822Name })),
    ]),
  );
}
