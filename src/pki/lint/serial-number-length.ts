import type { Lint } from './lint.js';

/** RFC 5280 §4.1.2.2: "Conforming CAs MUST NOT use serialNumber values longer than 20 octets." */
export const serialNumberLength: Lint = {
  name: 'serial-number-length',
  severity: 'error',
  source: 'RFC 5280 §4.1.2.2',
  appliesTo: 'any',
  check(certificate) {
    const octets = certificate.serialNumberBytes.length;
    return octets > 20 ? `the serial number is ${octets} octets long (at most 20)` : undefined;
  },
};
