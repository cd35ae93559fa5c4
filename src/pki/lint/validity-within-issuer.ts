import type { Lint } from './lint.js';

/**
 * RFC 5280 §6.1.3 (a)(2) checks every certificate of a path at the same time, so a certificate valid outside its
 * issuer's validity fails for part of its life; a CA issues inside its own validity (BR §6.3.2 bounds the
 * subscriber's). Needs the issuer (LintContext.issuer); without it nothing is checked.
 */
export const validityWithinIssuer: Lint = {
  name: 'validity-within-issuer',
  severity: 'error',
  source: 'RFC 5280 §6.1.3 (a)(2), §4.1.2.5',
  appliesTo: 'any',
  check(certificate, context) {
    const issuer = context.issuer;
    if (!issuer || issuer.fingerprintSha256 === certificate.fingerprintSha256) return undefined;
    if (certificate.notBefore.getTime() < issuer.notBefore.getTime())
      return `notBefore ${certificate.notBefore.toISOString()} is before the issuer's ${issuer.notBefore.toISOString()}`;
    if (certificate.notAfter.getTime() > issuer.notAfter.getTime())
      return `notAfter ${certificate.notAfter.toISOString()} is after the issuer's ${issuer.notAfter.toISOString()}`;
    return undefined;
  },
};
