import { OID_SUBJECT_ALT_NAME } from '../x509/extensions/subject-alt-name.js';
import { extensionOf, isOcspResponder } from './facts.js';
import type { Lint } from './lint.js';

/**
 * BR §7.1.2.7.12: a subscriber certificate carries subjectAltName; clients take names only from it (RFC 6125). An
 * OCSP responder certificate names no host and has none (BR §7.1.2.8).
 */
export const sanPresent: Lint = {
  name: 'san-present',
  severity: 'error',
  source: 'CA/B Forum BR §7.1.2.7.12; RFC 5280 §4.2.1.6',
  appliesTo: 'leaf',
  check(certificate) {
    return isOcspResponder(certificate) || extensionOf(certificate, OID_SUBJECT_ALT_NAME)
      ? undefined
      : 'no subjectAltName extension';
  },
};
