import { EKU_ANY } from '../x509/extensions/extended-key-usage.js';
import type { Lint } from './lint.js';

/**
 * BR §7.1.2.7.10: a subscriber certificate carries extKeyUsage, and never anyExtendedKeyUsage (a key good for
 * every purpose is good for none in particular, RFC 5280 §4.2.1.12).
 */
export const ekuPresent: Lint = {
  name: 'eku-present',
  severity: 'error',
  source: 'CA/B Forum BR §7.1.2.7.10; RFC 5280 §4.2.1.12',
  appliesTo: 'leaf',
  check(certificate) {
    const eku = certificate.extendedKeyUsage;
    if (eku === null) return 'no extendedKeyUsage extension on an end-entity certificate';
    if (eku.includes(EKU_ANY)) return 'extendedKeyUsage includes anyExtendedKeyUsage';
    return undefined;
  },
};
