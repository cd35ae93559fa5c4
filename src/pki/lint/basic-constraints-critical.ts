import { OID_BASIC_CONSTRAINTS } from '../x509/extensions/basic-constraints.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/** RFC 5280 §4.2.1.9: CAs "MUST mark the extension as critical" in CA certificates (BR §7.1.2.10.4, §7.1.2.1.4). */
export const basicConstraintsCritical: Lint = {
  name: 'basic-constraints-critical',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.9; CA/B Forum BR §7.1.2.10.4',
  appliesTo: 'ca',
  check(certificate) {
    return extensionOf(certificate, OID_BASIC_CONSTRAINTS)?.critical
      ? undefined
      : 'basicConstraints is not critical on a CA certificate';
  },
};
