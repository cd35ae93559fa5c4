/**
 * Distinguished names for the generators, hand-encoded: a subject is written once per issued certificate, and
 * asn1-x509's Name schema was the slowest part of a leaf after the TBS itself (bench/generate.ts, figures in
 * extensions/subject-alt-name.ts; the encodings are byte for byte equal, distinguished-name.test.ts). A name is given as its
 * RDNs in encoded order, each a list of attributes (usually one); or as the DER of a Name, which is used as it
 * is (an issuer's subject is copied byte for byte, as RFC 5280 §4.1.2.4 expects for chaining).
 */
import { invalidParameter } from '../../problem.js';
import { TAG } from '../../asn1/reader.js';
import { attributeTypeNamed, attributeTypeOf } from '../names.js';
import { objectIdentifier, tlv } from './der-writer.js';

export interface NameAttribute {
  /** A short name of src/pki/x509/names.ts (CN, O, OU, C, L, ST, DC, E, serialNumber, ...) or a dotted OID. */
  type: string;
  value: string;
}

/** RDNs in encoded order (the most significant first: C, O, ..., CN), or the DER of a Name. */
export type DistinguishedName = readonly (readonly NameAttribute[])[] | Uint8Array;

/** String types as RFC 5280 §4.1.2.4 and appendix A ask (the table in names.ts says which type takes which). */
function attributeValue(oid: string, value: string): Uint8Array {
  const stringType = attributeTypeOf(oid)?.stringType ?? 'utf8';
  if (stringType === 'printable') {
    if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) invalidParameter(`"${value}" is not a PrintableString`);
    return tlv(TAG.PRINTABLE_STRING, Buffer.from(value, 'latin1'));
  }
  if (stringType === 'ia5') {
    if (!/^\p{ASCII}*$/u.test(value)) invalidParameter(`"${value}" is not an IA5String`);
    return tlv(TAG.IA5_STRING, Buffer.from(value, 'latin1'));
  }
  return tlv(TAG.UTF8_STRING, Buffer.from(value, 'utf8'));
}

function attributeOid(type: string): string {
  const oid = attributeTypeNamed(type)?.oid ?? type;
  if (!/^[0-2](\.\d+)+$/.test(oid)) invalidParameter(`"${type}" is not a known attribute type or OID`);
  return oid;
}

/** The DER of a Name; the attributes of a multi-valued RDN are sorted as DER's SET OF requires. */
export function encodeName(name: DistinguishedName): Uint8Array {
  if (name instanceof Uint8Array) return name;
  const rdns = name.map((attributes) => {
    const encoded = attributes.map((attribute) => {
      const type = attributeOid(attribute.type);
      return tlv(TAG.SEQUENCE, objectIdentifier(type), attributeValue(type, attribute.value));
    });
    if (encoded.length > 1) encoded.sort(Buffer.compare);
    return tlv(TAG.SET, ...encoded);
  });
  return tlv(TAG.SEQUENCE, ...rdns);
}
