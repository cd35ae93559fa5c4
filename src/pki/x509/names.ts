/**
 * Distinguished names in RFC 4514 order (the last RDN first) joined with ", ", each RDN as @peculiar/x509 2.2
 * prints it (`Name.toString()` prints the RDNs in encoded order): the attributes of a multi-valued RDN in encoded order joined with "+", short names from
 * oids.ts else the dotted OID, string values escaped as its `escape()` does, and values of any other ASN.1
 * type as "#" + the hex of their whole encoding. String decoding follows asn1js: UTF8String as UTF-8 (raw
 * bytes as Latin-1 when invalid), BMPString as UTF-16BE code units, UniversalString as the low 16 bits of
 * each UTF-32BE unit, PrintableString/IA5String/TeletexString as Latin-1.
 */
import { decodeOid } from '../asn1/oid.js';
import { Asn1Cursor, malformed, TAG, type Asn1Mode } from '../asn1/reader.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Latin-1 text of bytes[start, end). */
export function latin1(bytes: Buffer, start: number, end: number): string {
  if (end - start > 12) return bytes.toString('latin1', start, end); // a native call beats the loop past ~12 bytes
  let text = '';
  for (let p = start; p < end; p++) text += String.fromCharCode(bytes[p]);
  return text;
}

function decodeUtf8(bytes: Buffer, start: number, end: number): string {
  for (let p = start; p < end; p++) {
    if (bytes[p] >= 0x80) {
      try {
        return utf8.decode(bytes.subarray(start, end));
      } catch {
        return latin1(bytes, start, end);
      }
    }
  }
  return latin1(bytes, start, end);
}

/** The text of a string value, or null when the tag is not one of the string types a Name value may take. */
function decodeString(bytes: Buffer, tag: number, start: number, end: number): string | null {
  switch (tag) {
    case TAG.UTF8_STRING:
      return decodeUtf8(bytes, start, end);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.TELETEX_STRING:
      return latin1(bytes, start, end);
    case TAG.BMP_STRING: {
      if ((end - start) % 2 !== 0) malformed('BMPString: odd number of bytes');
      let text = '';
      for (let p = start; p < end; p += 2) text += String.fromCharCode((bytes[p] << 8) | bytes[p + 1]);
      return text;
    }
    case TAG.UNIVERSAL_STRING: {
      if ((end - start) % 4 !== 0) malformed('UniversalString: length is not a multiple of 4');
      let text = '';
      for (let p = start; p < end; p += 4) text += String.fromCharCode((bytes[p + 2] << 8) | bytes[p + 3]);
      return text;
    }
    default:
      return null;
  }
}

const NEEDS_ESCAPE = /[,+"\\<>;\r\n\t]|^[ #]| $/;

/** @peculiar/x509's escape(), rule for rule (only the first CR/LF/TAB is hex-escaped, as there). */
function escapeValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/([ ]$)/, '\\$1')
    .replace(/([\r\n\t])/, (c) => `\\${c === '\r' ? '0D' : c === '\n' ? '0A' : '09'}`);
}

export interface ReadName {
  /**
   * The name as RFC 4514 writes it: the RDNs from the last to the first (`CN=api.example, O=Example, C=DE`), each
   * attribute and escape as @peculiar/x509 prints them (which keeps the encoded order).
   */
  text: string;
  /** The value of the last CN attribute (a non-string value as plain hex, as @peculiar/x509's getField does). */
  commonName: string | null;
}

/** Reads the Name whose content is [start, end) of `bytes`. */
export function readName(
  bytes: Buffer,
  start: number,
  end: number,
  what: string,
  mode: Asn1Mode = 'lenient-der',
): ReadName {
  const rdns = new Asn1Cursor(bytes, start, end, mode);
  const texts: string[] = [];
  let commonName: string | null = null;
  while (rdns.hasMore()) {
    rdns.expect(TAG.SET, `${what} RDN`);
    const attributes = rdns.inner();
    let text = '';
    let firstAttribute = true;
    while (attributes.hasMore()) {
      attributes.expect(TAG.SEQUENCE, `${what} attribute`);
      const attribute = attributes.inner();
      attribute.expect(TAG.OID, `${what} attribute type`);
      const type = attributeName(bytes, attribute.start, attribute.end);
      const valueTag = attribute.next(`${what} attribute value`);
      attribute.finish(`${what} attribute`);
      const value = decodeString(bytes, valueTag, attribute.start, attribute.end);
      if (!firstAttribute) text += '+';
      firstAttribute = false;
      if (value === null) {
        const hex = bytes.toString('hex', attribute.tlvStart, attribute.end);
        text += `${type}=#${hex}`;
        if (type === 'CN') commonName = hex;
      } else {
        text += `${type}=${escapeValue(value)}`;
        if (type === 'CN') commonName = value;
      }
    }
    texts.push(text);
  }
  // RFC 4514 §2.1: the last RDN of the sequence first, so the most specific attribute (CN) leads.
  return { text: texts.reverse().join(', '), commonName };
}

/**
 * The one table of DN attribute types, for reading and writing: short name, OID, whether @peculiar/x509 2.2
 * prints the short name (the reader prints exactly those, every other type as its dotted OID), and the string
 * type the writer gives a value (RFC 5280 4.1.2.4 and appendix A: PrintableString for C and serialNumber,
 * IA5String for DC and emailAddress, UTF8String otherwise).
 */
export interface AttributeType {
  short: string;
  oid: string;
  printed: boolean;
  stringType: 'utf8' | 'printable' | 'ia5';
}

const type = (
  short: string,
  oid: string,
  printed: boolean,
  stringType: AttributeType['stringType'] = 'utf8',
): AttributeType => ({ short, oid, printed, stringType });

const ATTRIBUTE_TYPES: readonly AttributeType[] = [
  type('CN', '2.5.4.3', true),
  type('SN', '2.5.4.4', true),
  type('serialNumber', '2.5.4.5', false, 'printable'),
  type('C', '2.5.4.6', true, 'printable'),
  type('L', '2.5.4.7', true),
  type('ST', '2.5.4.8', true),
  type('street', '2.5.4.9', false),
  type('O', '2.5.4.10', true),
  type('OU', '2.5.4.11', true),
  type('T', '2.5.4.12', true),
  type('G', '2.5.4.42', true),
  type('I', '2.5.4.43', true),
  type('DC', '0.9.2342.19200300.100.1.25', true, 'ia5'),
  type('UID', '0.9.2342.19200300.100.1.1', false),
  type('E', '1.2.840.113549.1.9.1', true, 'ia5'),
];

const TYPE_BY_SHORT = new Map(ATTRIBUTE_TYPES.map((t) => [t.short, t] as const));
const TYPE_BY_OID = new Map(ATTRIBUTE_TYPES.map((t) => [t.oid, t] as const));

/** The attribute type of a short name ("CN", "serialNumber", ...), if it is one the table knows. */
export function attributeTypeNamed(short: string): AttributeType | undefined {
  return TYPE_BY_SHORT.get(short);
}

/** The attribute type of a dotted OID, if it is one the table knows. */
export function attributeTypeOf(oid: string): AttributeType | undefined {
  return TYPE_BY_OID.get(oid);
}

/** DN attribute short names, exactly those @peculiar/x509 2.2 prints (others print as the dotted OID). */
const ATTRIBUTE_NAMES = new Map(
  ATTRIBUTE_TYPES.filter((t) => t.printed).map((t) => [t.oid, t.short] as const),
);

/** The short name of a DN attribute type given its OID content bytes, or its dotted OID. */
export function attributeName(bytes: Uint8Array, start: number, end: number): string {
  // Fast path for the id-at arc (2.5.4.x, content 55 04 xx) that almost every name uses.
  if (end - start === 3 && bytes[start] === 0x55 && bytes[start + 1] === 0x04) {
    const short = AT_SHORT[bytes[start + 2]];
    if (short) return short;
  }
  const oid = decodeOid(bytes, start, end);
  return ATTRIBUTE_NAMES.get(oid) ?? oid;
}

const AT_SHORT: (string | undefined)[] = [];
for (const [oid, name] of ATTRIBUTE_NAMES) {
  const m = /^2\.5\.4\.(\d+)$/.exec(oid);
  if (m) AT_SHORT[Number(m[1])] = name;
}
