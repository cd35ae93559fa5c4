import type { Lint } from './lint.js';

/** BR §7.1.2.1.2 (root CA extensions): extKeyUsage MUST NOT be present in a root (self-issued CA) certificate. */
export const rootNoEku: Lint = {
  name: 'root-no-eku',
  severity: 'error',
  source: 'CA/B Forum BR §7.1.2.1.2',
  appliesTo: 'ca',
  check(certificate) {
    return certificate.selfIssued && certificate.extendedKeyUsage !== null
      ? 'extendedKeyUsage in a root certificate'
      : undefined;
  },
};
