import { dnsNamesOf, isPublicSuffix } from './facts.js';
import type { Lint } from './lint.js';

/**
 * BR §7.1.2.7.12 / §3.2.2.6: a wildcard is only the whole left-most label (`*.example.com`; not `f*.example.com`,
 * `a.*.example.com`), and never directly over a public suffix (`*.com`, `*.co.uk`). Without a Public Suffix List
 * the suffixes refused are those of facts.ts `isPublicSuffix`: every single label, two-label registry suffixes of
 * country-code registries, and a few well-known private ones.
 */
export const sanWildcard: Lint = {
  name: 'san-wildcard',
  severity: 'error',
  source: 'CA/B Forum BR §7.1.2.7.12, §3.2.2.6; RFC 6125 §6.4.3',
  appliesTo: 'any',
  check(certificate) {
    for (const name of dnsNamesOf(certificate)) {
      if (!name.includes('*')) continue;
      const [first, ...rest] = name.split('.');
      if (first !== '*' || rest.some((label) => label.includes('*')))
        return `dNSName '${name}': a wildcard must be the whole left-most label`;
      const base = rest.join('.').toLowerCase();
      if (base === '' || isPublicSuffix(base))
        return `dNSName '${name}': a wildcard directly over the public suffix '${base}'`;
    }
    return undefined;
  },
};
