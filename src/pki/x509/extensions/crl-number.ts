/** cRLNumber (RFC 5280 5.2.3), a CRL extension. */
import * as asn1 from '@peculiar/asn1-x509';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { invalidParameter } from '../../problem.js';
import { asBuffer, encodeValue, extensionValue, type Extension } from './extension-value.js';

export const OID_CRL_NUMBER = asn1.id_ce_cRLNumber;

/** The CRL number (0..MAX, at most 20 octets: RFC 5280 5.2.3). */
export function decodeCrlNumber(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): bigint {
  const node = extensionValue(der, mode, TAG.INTEGER, 'cRLNumber', start, end);
  const length = node.end - node.start;
  if (length < 1 || length > 21) malformed(`cRLNumber: INTEGER of ${length} bytes`);
  if (der[node.start]! & 0x80) malformed('cRLNumber is negative; RFC 5280 allows 0..MAX');
  const hex = asBuffer(der).toString('hex', node.start, node.end);
  if (length === 21 && der[node.start] !== 0) malformed('cRLNumber is longer than 20 octets');
  if (mode === 'strict-der' && length > 1 && der[node.start] === 0 && !(der[node.start + 1]! & 0x80))
    malformed('cRLNumber: non-minimal INTEGER');
  return BigInt(`0x${hex}`);
}

/** A CRL number the writer takes: 0 to 2^53 - 1 (a counter, well inside the 20 octets allowed). */
export function encodeCrlNumber(number: number): Uint8Array {
  if (!Number.isSafeInteger(number) || number < 0)
    invalidParameter(`cRLNumber ${number} is not a non-negative integer`);
  return encodeValue(new asn1.CRLNumber(number));
}

/** RFC 5280 5.2.3, not critical. */
export function crlNumberExtension(number: number): Extension {
  return { oid: OID_CRL_NUMBER, critical: false, value: encodeCrlNumber(number) };
}
