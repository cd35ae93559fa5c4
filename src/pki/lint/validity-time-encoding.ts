import type { TimeEncoding } from '../x509/lean-reader.js';
import type { Lint } from './lint.js';

function problem(what: string, time: Date, encoding: TimeEncoding): string | undefined {
  const year = time.getUTCFullYear();
  if (year < 2050 && encoding.type !== 'UTCTime')
    return `${what} in ${year} is a GeneralizedTime (UTCTime through 2049)`;
  if (year >= 2050 && encoding.type !== 'GeneralizedTime')
    return `${what} in ${year} is a UTCTime (GeneralizedTime from 2050)`;
  if (encoding.type === 'GeneralizedTime' && !/^\d{14}Z$/.test(encoding.text))
    return `${what} GeneralizedTime '${encoding.text}' is not YYYYMMDDHHMMSSZ (no fractional seconds)`;
  if (encoding.type === 'UTCTime' && !/^\d{12}Z$/.test(encoding.text))
    return `${what} UTCTime '${encoding.text}' is not YYMMDDHHMMSSZ`;
  return undefined;
}

/**
 * RFC 5280 §4.1.2.5: "CAs conforming to this profile MUST always encode certificate validity dates through the
 * year 2049 as UTCTime; certificate validity dates in 2050 or later MUST be encoded as GeneralizedTime", with
 * seconds, in Zulu, and GeneralizedTime without fractional seconds (§4.1.2.5.2).
 */
export const validityTimeEncoding: Lint = {
  name: 'validity-time-encoding',
  severity: 'error',
  source: 'RFC 5280 §4.1.2.5',
  appliesTo: 'any',
  check(certificate) {
    return (
      problem('notBefore', certificate.notBefore, certificate.notBeforeEncoding) ??
      problem('notAfter', certificate.notAfter, certificate.notAfterEncoding)
    );
  },
};
