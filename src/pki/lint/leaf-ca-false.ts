import { KEY_USAGE } from '../x509/extensions/key-usage.js';
import type { Lint } from './lint.js';

/**
 * An end entity has basicConstraints cA=FALSE or none (BR §7.1.2.7.8). A certificate whose keyUsage cannot sign
 * certificates is an end entity, so cA=TRUE there is wrong (RFC 5280 §4.2.1.3 / §4.2.1.9: a CA asserts
 * keyCertSign); and pathLenConstraint without cA=TRUE is meaningless (RFC 5280 §4.2.1.9: MUST NOT).
 */
export const leafCaFalse: Lint = {
  name: 'leaf-ca-false',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.9, §4.2.1.3; CA/B Forum BR §7.1.2.7.8',
  appliesTo: 'any',
  check(certificate) {
    const bc = certificate.basicConstraints;
    if (bc && !bc.ca && bc.pathLength !== null) return 'pathLenConstraint without cA=TRUE';
    const usage = certificate.keyUsage;
    if (bc?.ca && usage !== null && !(usage & KEY_USAGE.keyCertSign))
      return 'basicConstraints cA=TRUE on an end entity (its keyUsage has no keyCertSign)';
    return undefined;
  },
};
