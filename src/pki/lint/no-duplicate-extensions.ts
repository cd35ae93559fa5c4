import type { Lint } from './lint.js';

/** RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension." */
export const noDuplicateExtensions: Lint = {
  name: 'no-duplicate-extensions',
  severity: 'error',
  source: 'RFC 5280 §4.2',
  appliesTo: 'any',
  check(certificate) {
    const repeated = certificate.duplicateExtensions;
    return repeated.length > 0 ? `extension ${repeated.join(', ')} appears more than once` : undefined;
  },
};
