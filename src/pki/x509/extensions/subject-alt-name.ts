/**
 * subjectAltName (RFC 5280 4.2.1.6). The encoder is by hand, not through @peculiar/asn1-x509's schema: with the
 * subject and the subjectKeyIdentifier it is what changes with every issued leaf. Measured in one
 * bench/generate.ts run (load 14-16, raw P-256 signing 11,022/s): a leaf's subject, SAN and SKI through the
 * schemas 2,576 leaves/s, hand-encoded 8,576/s (at load 5: 6,640/s and 33,758/s beside raw signing's 18,197/s).
 * extensions.test.ts checks the bytes against the schema's.
 */
import { parseIpAddress } from '../../ip-address.js';
import { invalidParameter } from '../../problem.js';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { tlv } from '../generate/der-writer.js';
import { latin1 } from '../names.js';
import { asBuffer, extensionValue, type Extension } from './extension-value.js';

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

/** A GeneralName (RFC 5280 4.2.1.6) as the writer takes it. */
export type GeneralNameInput =
  | { dns: string }
  /** An IPv4 or IPv6 address as text (in a name constraint: ADDRESS/PREFIX). */
  | { ip: string }
  | { uri: string }
  | { email: string }
  /** A DER Name. */
  | { directoryName: Uint8Array };

function ia5(text: string, what: string): Uint8Array {
  if (!/^\p{ASCII}*$/u.test(text)) invalidParameter(`${what}: "${text}" is not ASCII (IA5String)`);
  return Buffer.from(text, 'latin1');
}

/** A GeneralName: [1] rfc822Name, [2] dNSName, [4] directoryName, [6] URI, [7] iPAddress. */
export function encodeGeneralName(name: GeneralNameInput): Uint8Array {
  if ('dns' in name) return tlv(0x82, ia5(name.dns, 'dNSName'));
  if ('uri' in name) return tlv(0x86, ia5(name.uri, 'uniformResourceIdentifier'));
  if ('email' in name) return tlv(0x81, ia5(name.email, 'rfc822Name'));
  if ('directoryName' in name) return tlv(0xa4, name.directoryName);
  return tlv(
    0x87,
    parseIpAddress(name.ip) ?? invalidParameter(`iPAddress: "${name.ip}" is not an IPv4 or IPv6 address`),
  );
}

/** The GeneralNames in the order given. */
export function encodeSubjectAltName(names: readonly GeneralNameInput[]): Uint8Array {
  return tlv(TAG.SEQUENCE, ...names.map(encodeGeneralName));
}

/** RFC 5280 4.2.1.6: critical exactly when the subject is empty. */
export function subjectAltNameExtension(names: readonly GeneralNameInput[], subjectEmpty = false): Extension {
  return { oid: OID_SUBJECT_ALT_NAME, critical: subjectEmpty, value: encodeSubjectAltName(names) };
}
