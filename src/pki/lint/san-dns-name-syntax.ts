import { dnsNameProblem, dnsNamesOf } from './facts.js';
import type { Lint } from './lint.js';

/**
 * RFC 5280 §4.2.1.6: dNSName in the preferred name syntax of RFC 1034 §3.5 (no empty label, no leading dot,
 * " " is not a name); BR §7.1.4.2: no underscore (since 2019).
 */
export const sanDnsNameSyntax: Lint = {
  name: 'san-dns-name-syntax',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.6; RFC 1034 §3.5; CA/B Forum BR §7.1.4.2',
  appliesTo: 'any',
  check(certificate) {
    for (const name of dnsNamesOf(certificate)) {
      const problem = dnsNameProblem(name);
      if (problem) return `dNSName '${name}' ${problem}`;
    }
    return undefined;
  },
};
