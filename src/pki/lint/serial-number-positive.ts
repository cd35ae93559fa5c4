import type { Lint } from './lint.js';

/** RFC 5280 §4.1.2.2: "The serial number MUST be a positive integer". */
export const serialNumberPositive: Lint = {
  name: 'serial-number-positive',
  severity: 'error',
  source: 'RFC 5280 §4.1.2.2',
  appliesTo: 'any',
  check(certificate) {
    const bytes = certificate.serialNumberBytes;
    if (bytes[0]! & 0x80) return 'the serial number is negative';
    if (bytes.every((b) => b === 0)) return 'the serial number is zero';
    return undefined;
  },
};
