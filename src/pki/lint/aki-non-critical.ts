import { OID_AUTHORITY_KEY_IDENTIFIER } from '../x509/extensions/authority-key-identifier.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/** RFC 5280 §4.2.1.1: "Conforming CAs MUST mark this extension as non-critical." */
export const akiNonCritical: Lint = {
  name: 'aki-non-critical',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.1',
  appliesTo: 'any',
  check(certificate) {
    return extensionOf(certificate, OID_AUTHORITY_KEY_IDENTIFIER)?.critical
      ? 'authorityKeyIdentifier is critical'
      : undefined;
  },
};
