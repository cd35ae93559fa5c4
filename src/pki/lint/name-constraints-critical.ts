import { OID_NAME_CONSTRAINTS } from '../x509/extensions/name-constraints.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/** RFC 5280 §4.2.1.10: "Conforming CAs MUST mark this extension as critical." */
export const nameConstraintsCritical: Lint = {
  name: 'name-constraints-critical',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.10',
  appliesTo: 'any',
  check(certificate) {
    const extension = extensionOf(certificate, OID_NAME_CONSTRAINTS);
    return extension && !extension.critical ? 'nameConstraints is not critical' : undefined;
  },
};
