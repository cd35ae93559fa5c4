import { KEY_USAGE } from '../x509/extensions/key-usage.js';
import type { Lint } from './lint.js';

/** RFC 5280 §4.2.1.3: "If the keyCertSign bit is asserted, then the cA bit in basic constraints MUST also be asserted." */
export const leafKeyCertSign: Lint = {
  name: 'leaf-key-cert-sign',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.3',
  appliesTo: 'leaf',
  check(certificate) {
    const usage = certificate.keyUsage;
    return usage !== null && usage & KEY_USAGE.keyCertSign
      ? 'keyUsage keyCertSign on a certificate that is not a CA (no basicConstraints cA=TRUE)'
      : undefined;
  },
};
