import { formatIpAddress, parseIpAddress } from '../ip-address.js';
import type { Lint } from './lint.js';

/** BR §7.1.4.3 (subject commonName): when present, one of the subjectAltName's DNS names or IP addresses. */
export const commonNameInSan: Lint = {
  name: 'common-name-in-san',
  severity: 'error',
  source: 'CA/B Forum BR §7.1.4.3',
  appliesTo: 'leaf',
  check(certificate) {
    const cn = certificate.commonName;
    if (cn === null) return undefined;
    const address = parseIpAddress(cn);
    const names = certificate.subjectAltNames;
    const found = address
      ? names.ip.includes(formatIpAddress(address))
      : names.dns.some((name) => name.toLowerCase() === cn.toLowerCase());
    return found ? undefined : `the subject commonName '${cn}' is not one of the subjectAltName entries`;
  },
};
