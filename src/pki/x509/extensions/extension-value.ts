import { AsnConvert } from '@peculiar/asn1-schema';
import { Asn1Cursor, type Asn1Mode } from '../../asn1/reader.js';

/**
 * A cursor over the single element an extnValue OCTET STRING holds, after checking its tag; anything after
 * that element is CUSTOS_DER_MALFORMED.
 */
export function extensionValue(
  der: Uint8Array,
  mode: Asn1Mode,
  tag: number,
  what: string,
  start: number,
  end: number,
): Asn1Cursor {
  const outer = new Asn1Cursor(der, start, end, mode);
  outer.expect(tag, what);
  outer.finish(what);
  return outer;
}

/** `bytes` as a Buffer without copying (Buffer's string decoders are faster than loops). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The DER of an @peculiar/asn1-x509 extension value object. */
export function encodeValue(value: object): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}
