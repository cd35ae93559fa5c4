import { OID_EXTENDED_KEY_USAGE } from '../x509/extensions/extended-key-usage.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/** BR §7.1.2.7.6 (subscriber certificate extensions): extKeyUsage is not critical. */
export const ekuCritical: Lint = {
  name: 'eku-critical',
  severity: 'error',
  source: 'CA/B Forum BR §7.1.2.7.6',
  appliesTo: 'leaf',
  check(certificate) {
    return extensionOf(certificate, OID_EXTENDED_KEY_USAGE)?.critical
      ? 'extendedKeyUsage is critical'
      : undefined;
  },
};
