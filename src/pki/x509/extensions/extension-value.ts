/**
 * What every extension file of this folder shares: the cursor over an extnValue for decoding, the DER of a
 * schema object for encoding, and the `Extension` the generators write (src/pki/x509/generate/) with the cache
 * that encodes the values repeating from leaf to leaf only once.
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Extension as Asn1Extension } from '@peculiar/asn1-x509';
import { Asn1Cursor, type Asn1Mode } from '../../asn1/reader.js';

/**
 * An extension as it goes into a certificate, CSR, CRL, CRL entry or OCSP response. The values the `*Extension`
 * builders return may be shared (remembered), so never modify one.
 */
export interface Extension {
  /** Dotted OID. */
  oid: string;
  critical: boolean;
  /** The DER of the extension value (what goes inside extnValue's OCTET STRING). */
  value: Uint8Array;
}

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

const remembered = new Map<string, Extension>();

/**
 * The extension made once per distinct input (bounded: the cache starts over past 4,096 entries). Before the
 * repeating values (key usages, AKI, AIA, CRL distribution points, policies) were remembered, encoding them
 * through the schemas cost a leaf several times its signature (bench/generate.ts).
 */
export function remember(key: string, make: () => Extension): Extension {
  let extension = remembered.get(key);
  if (!extension) {
    if (remembered.size >= 4096) remembered.clear();
    extension = make();
    remembered.set(key, extension);
  }
  return extension;
}

/** An extension as asn1-x509's schema parsed it (from a CSR or an OCSP request), as an `Extension`. */
export function fromAsnExtension(extension: Asn1Extension): Extension {
  return {
    oid: extension.extnID,
    critical: extension.critical,
    value: new Uint8Array(extension.extnValue.buffer),
  };
}

/** An `Extension` as asn1-x509's schema class, for the structures encoded through the schemas. */
export function toAsnExtension(extension: Extension): Asn1Extension {
  return new Asn1Extension({
    extnID: extension.oid,
    critical: extension.critical,
    extnValue: new OctetString(extension.value),
  });
}
