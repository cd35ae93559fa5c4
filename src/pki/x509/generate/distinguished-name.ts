/**
 * Distinguished names for the generators, encoded through asn1-x509's Name schema. A name is given as its
 * RDNs in encoded order, each a list of attributes (usually one); or as the DER of a Name, which is used as it
 * is (an issuer's subject is copied byte for byte, as RFC 5280 §4.1.2.4 expects for chaining).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { PkiFormatError } from '../../problem.js';

export interface NameAttribute {
  /** A short name (CN, O, OU, C, L, ST, DC, E, serialNumber, ...) or a dotted OID. */
  type: string;
  value: string;
}

/** RDNs in encoded order (the most significant first: C, O, ..., CN), or the DER of a Name. */
export type DistinguishedName = readonly (readonly NameAttribute[])[] | Uint8Array;

const ATTRIBUTE_TYPES: Record<string, string> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  serialNumber: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  street: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  G: '2.5.4.42',
  I: '2.5.4.43',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  E: '1.2.840.113549.1.9.1',
};

/** String types as RFC 5280 §4.1.2.4 and appendix A ask: PrintableString for C and serialNumber, IA5String
 * for DC and email, UTF8String for everything else. */
function attributeValue(oid: string, value: string): asn1.AttributeValue {
  if (oid === ATTRIBUTE_TYPES['C'] || oid === ATTRIBUTE_TYPES['serialNumber']) {
    if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value))
      throw new PkiFormatError('CUSTOS_PKI_PARAMETER_INVALID', `"${value}" is not a PrintableString`);
    return new asn1.AttributeValue({ printableString: value });
  }
  if (oid === ATTRIBUTE_TYPES['DC'] || oid === ATTRIBUTE_TYPES['E'])
    return new asn1.AttributeValue({ ia5String: value });
  return new asn1.AttributeValue({ utf8String: value });
}

function attributeOid(type: string): string {
  const oid = ATTRIBUTE_TYPES[type] ?? type;
  if (!/^[0-2](\.\d+)+$/.test(oid))
    throw new PkiFormatError(
      'CUSTOS_PKI_PARAMETER_INVALID',
      `"${type}" is not a known attribute type or OID`,
    );
  return oid;
}

const compareBytes = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);

/** The DER of a Name; the attributes of a multi-valued RDN are sorted as DER's SET OF requires. */
export function encodeName(name: DistinguishedName): Uint8Array {
  if (name instanceof Uint8Array) return name;
  const rdns = name.map((attributes) => {
    const sorted = attributes
      .map((attribute) => {
        const type = attributeOid(attribute.type);
        const item = new asn1.AttributeTypeAndValue({ type, value: attributeValue(type, attribute.value) });
        return { item, der: new Uint8Array(AsnConvert.serialize(item)) };
      })
      .sort((a, b) => compareBytes(a.der, b.der));
    return new asn1.RelativeDistinguishedName(sorted.map((s) => s.item));
  });
  return new Uint8Array(AsnConvert.serialize(new asn1.Name(rdns)));
}
