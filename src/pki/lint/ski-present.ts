import { OID_SUBJECT_KEY_IDENTIFIER } from '../x509/extensions/subject-key-identifier.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/** RFC 5280 §4.2.1.2: subjectKeyIdentifier "MUST appear in all conforming CA certificates" and is non-critical. */
export const skiPresent: Lint = {
  name: 'ski-present',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.2',
  appliesTo: 'ca',
  check(certificate) {
    const extension = extensionOf(certificate, OID_SUBJECT_KEY_IDENTIFIER);
    if (!extension) return 'no subjectKeyIdentifier on a CA certificate';
    return extension.critical ? 'subjectKeyIdentifier is critical' : undefined;
  },
};
