import { OID_SUBJECT_ALT_NAME } from '../x509/extensions/subject-alt-name.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/**
 * RFC 5280 §4.2.1.6: with an empty subject the subjectAltName MUST be present and critical; with a subject it
 * SHOULD NOT be critical (BR §7.1.2.7.12: MUST NOT). Critical exactly when the subject is empty.
 */
export const sanCritical: Lint = {
  name: 'san-critical',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.6; CA/B Forum BR §7.1.2.7.12',
  appliesTo: 'any',
  check(certificate) {
    const san = extensionOf(certificate, OID_SUBJECT_ALT_NAME);
    if (certificate.subjectEmpty) {
      if (!san) return 'the subject is empty and there is no subjectAltName';
      return san.critical ? undefined : 'the subject is empty but the subjectAltName is not critical';
    }
    return san?.critical ? 'the subjectAltName is critical although the subject is not empty' : undefined;
  },
};
