/** The notBefore/notAfter times of a certificate, as DER writes them. */
import { malformed, TAG, type Asn1Cursor } from '../asn1/reader.js';

function digits(bytes: Buffer, at: number, count: number, what: string): number {
  let value = 0;
  for (let p = at; p < at + count; p++) {
    const d = bytes[p] - 0x30;
    if (d < 0 || d > 9) malformed(`${what}: not a DER time`);
    value = value * 10 + d;
  }
  return value;
}

export function readTime(validity: Asn1Cursor, what: string): Date {
  const tag = validity.next(what);
  const bytes = validity.bytes as Buffer;
  const { start, end } = validity;
  let p = start;
  let year: number;
  if (tag === TAG.UTC_TIME) {
    if (end - start !== 13) malformed(`${what}: UTCTime is not YYMMDDHHMMSSZ`);
    year = digits(bytes, p, 2, what);
    year += year >= 50 ? 1900 : 2000;
    p += 2;
  } else if (tag === TAG.GENERALIZED_TIME) {
    if (end - start < 15) malformed(`${what}: GeneralizedTime is not YYYYMMDDHHMMSSZ`);
    year = digits(bytes, p, 4, what);
    p += 4;
  } else {
    return malformed(`${what}: neither UTCTime nor GeneralizedTime`);
  }
  const month = digits(bytes, p, 2, what);
  const day = digits(bytes, p + 2, 2, what);
  const hour = digits(bytes, p + 4, 2, what);
  const minute = digits(bytes, p + 6, 2, what);
  const second = digits(bytes, p + 8, 2, what);
  p += 10;
  let millisecond = 0;
  if (tag === TAG.GENERALIZED_TIME && p < end - 1 && bytes[p] === 0x2e) {
    const fraction = end - 1 - (p + 1);
    if (fraction < 1 || fraction > 9) malformed(`${what}: bad fraction of a second`);
    millisecond = Math.floor(digits(bytes, p + 1, fraction, what) / 10 ** (fraction - 3));
    p = end - 1;
  }
  if (p !== end - 1 || bytes[p] !== 0x5a) malformed(`${what}: time does not end in Z`);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    malformed(`${what}: time out of range`);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond));
}
