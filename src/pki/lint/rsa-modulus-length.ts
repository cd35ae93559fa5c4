import type { Lint } from './lint.js';

/** BR §6.1.5: "the modulus size, when encoded, is at least 2048 bits, and the modulus size, in bits, is evenly divisible by 8". */
export const rsaModulusLength: Lint = {
  name: 'rsa-modulus-length',
  severity: 'error',
  source: 'CA/B Forum BR §6.1.5',
  appliesTo: 'any',
  check(certificate) {
    if (certificate.keyAlgorithm !== 'RSA' || certificate.keySize === null) return undefined;
    return certificate.keySize % 8 !== 0
      ? `RSA modulus of ${certificate.keySize} bits is not a multiple of 8`
      : undefined;
  },
};
