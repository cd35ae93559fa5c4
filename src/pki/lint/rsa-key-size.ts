import type { Lint } from './lint.js';

/**
 * BR §6.1.5: RSA moduli of at least 2048 bits. The inventory already reports this fact as the `weak-key` finding,
 * so the inventory skips this lint (INVENTORY_SKIPPED in run-lints.ts); `custos lint` and issuance run it.
 */
export const rsaKeySize: Lint = {
  name: 'rsa-key-size',
  severity: 'error',
  source: 'CA/B Forum BR §6.1.5',
  appliesTo: 'any',
  check(certificate) {
    if (certificate.keyAlgorithm !== 'RSA' || certificate.keySize === null) return undefined;
    return certificate.keySize < 2048
      ? `RSA modulus of ${certificate.keySize} bits (at least 2048)`
      : undefined;
  },
};
