/**
 * Untrusted signed structures read through the @peculiar/asn1-* schemas (OCSP requests): the bytes
 * must be exactly one DER element, and anything the schema parser throws becomes CUSTOS_DER_MALFORMED, so a
 * caller sees one kind of error for any malformed input.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Asn1Cursor, malformed, TAG } from '../../asn1/reader.js';
import { PkiFormatError } from '../../problem.js';

/** Parses `der` as `schema`; `what` names it in the error. */
export function parseUntrusted<T>(der: Uint8Array, schema: new () => T, what: string): T {
  const top = new Asn1Cursor(der, 0, der.length);
  top.expect(TAG.SEQUENCE, what);
  top.finish(`${what} (bytes after its end)`);
  try {
    return AsnConvert.parse(der, schema);
  } catch (error) {
    if (error instanceof PkiFormatError) throw error;
    return malformed(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
