import {
  OID_AUTHORITY_KEY_IDENTIFIER,
  readAuthorityKeyIdentifier,
} from '../x509/extensions/authority-key-identifier.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/**
 * RFC 5280 §4.2.1.1: non-critical, with a keyIdentifier (the issuer's subjectKeyIdentifier); BR §7.1.2.11.1:
 * keyIdentifier only (authorityCertIssuer and authorityCertSerialNumber MUST NOT be present). With the issuer
 * known, its subjectKeyIdentifier must be the keyIdentifier.
 */
export const akiWellFormed: Lint = {
  name: 'aki-well-formed',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.1; CA/B Forum BR §7.1.2.11.1',
  appliesTo: 'any',
  check(certificate, context) {
    const extension = extensionOf(certificate, OID_AUTHORITY_KEY_IDENTIFIER);
    if (!extension) return undefined;
    if (extension.critical) return 'authorityKeyIdentifier is critical';
    const aki = readAuthorityKeyIdentifier(extension.value);
    if (aki.keyIdentifier === null) return 'authorityKeyIdentifier has no keyIdentifier';
    if (aki.authorityCertIssuer || aki.authorityCertSerialNumber)
      return 'authorityKeyIdentifier holds authorityCertIssuer/authorityCertSerialNumber besides keyIdentifier';
    const issuerKeyId = context.issuer?.subjectKeyId;
    if (issuerKeyId && issuerKeyId !== aki.keyIdentifier)
      return `authorityKeyIdentifier ${aki.keyIdentifier} is not the issuer's subjectKeyIdentifier ${issuerKeyId}`;
    return undefined;
  },
};
