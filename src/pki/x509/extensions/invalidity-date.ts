/** invalidityDate (RFC 5280 5.3.2), a CRL entry extension: when the key is known or suspected compromised. */
import * as asn1 from '@peculiar/asn1-x509';
import { Asn1Cursor, malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { wholeSeconds } from '../generate/der-writer.js';
import { readTime } from '../validity-time.js';
import { asBuffer, encodeValue, type Extension } from './extension-value.js';

export const OID_INVALIDITY_DATE = asn1.id_ce_invalidityDate;

/** The date, a GeneralizedTime. */
export function decodeInvalidityDate(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): Date {
  const value = new Asn1Cursor(asBuffer(der), start, end, mode);
  if (value.peek() !== TAG.GENERALIZED_TIME) malformed('invalidityDate is not a GeneralizedTime');
  const date = readTime(value, 'invalidityDate');
  value.finish('invalidityDate');
  return date;
}

/** Written in whole seconds. */
export function encodeInvalidityDate(date: Date): Uint8Array {
  return encodeValue(new asn1.InvalidityDate(wholeSeconds(date)));
}

/** RFC 5280 5.3.2, not critical. */
export function invalidityDateExtension(date: Date): Extension {
  return { oid: OID_INVALIDITY_DATE, critical: false, value: encodeInvalidityDate(date) };
}
