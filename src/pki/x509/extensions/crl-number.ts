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
  const first = der[node.start]!;
  if (length < 1) malformed('cRLNumber: empty INTEGER');
  if (first & 0x80) malformed('cRLNumber is negative; RFC 5280 allows 0..MAX');
  // 20 octets of magnitude, plus the 00 that keeps a high bit positive.
  if (length > 21 || (length === 21 && first !== 0)) malformed('cRLNumber is longer than 20 octets');
  if (mode === 'strict-der' && length > 1 && first === 0 && !(der[node.start + 1]! & 0x80))
    malformed('cRLNumber: non-minimal INTEGER');
  return BigInt(`0x${asBuffer(der).toString('hex', node.start, node.end)}`);
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
