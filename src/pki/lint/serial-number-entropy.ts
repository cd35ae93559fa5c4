import type { Lint } from './lint.js';

/**
 * CA/B Forum BR §7.1: serial numbers carry at least 64 bits from a CSPRNG. Randomness cannot be seen in one
 * certificate, so this checks only what is checkable: the serial has at least 8 octets (a shorter one cannot
 * hold 64 random bits). A warning: a long serial may still be a counter.
 */
export const serialNumberEntropy: Lint = {
  name: 'serial-number-entropy',
  severity: 'warning',
  source: 'CA/B Forum BR §7.1',
  appliesTo: 'any',
  check(certificate) {
    const bytes = certificate.serialNumberBytes;
    const octets = bytes[0] === 0 && bytes.length > 1 ? bytes.length - 1 : bytes.length;
    return octets < 8
      ? `the serial number is ${octets} octet${octets === 1 ? '' : 's'} long, too short for 64 random bits (checked as at least 8 octets)`
      : undefined;
  },
};
