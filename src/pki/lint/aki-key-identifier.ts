import {
  OID_AUTHORITY_KEY_IDENTIFIER,
  readAuthorityKeyIdentifier,
} from '../x509/extensions/authority-key-identifier.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/**
 * RFC 5280 §4.2.1.1: the keyIdentifier field "MUST be included" in an authorityKeyIdentifier a conforming CA
 * writes, and is the issuer's subjectKeyIdentifier: checked against the issuer when known (LintContext.issuer),
 * and against the certificate's own subjectKeyIdentifier when it is self-issued.
 */
export const akiKeyIdentifier: Lint = {
  name: 'aki-key-identifier',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.1',
  appliesTo: 'any',
  check(certificate, context) {
    const extension = extensionOf(certificate, OID_AUTHORITY_KEY_IDENTIFIER);
    if (!extension) return undefined;
    const { keyIdentifier } = readAuthorityKeyIdentifier(extension.value);
    if (keyIdentifier === null) return 'authorityKeyIdentifier has no keyIdentifier';
    const issuer = certificate.selfIssued && !context.issuer ? certificate : context.issuer;
    const expected = issuer?.subjectKeyId;
    if (expected && expected !== keyIdentifier)
      return `authorityKeyIdentifier ${keyIdentifier} is not the issuer's subjectKeyIdentifier ${expected}`;
    return undefined;
  },
};
