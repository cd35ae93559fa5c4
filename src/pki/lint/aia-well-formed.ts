import {
  ACCESS_METHOD_CA_ISSUERS,
  ACCESS_METHOD_OCSP,
  decodeAccessDescriptions,
  OID_AUTHORITY_INFO_ACCESS,
} from '../x509/extensions/authority-info-access.js';
import { PkiFormatError } from '../problem.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

const METHODS: Record<string, string> = {
  [ACCESS_METHOD_OCSP]: 'OCSP',
  [ACCESS_METHOD_CA_ISSUERS]: 'caIssuers',
};

/**
 * RFC 5280 §4.2.2.1: authorityInfoAccess is non-critical, a non-empty list of AccessDescriptions; BR §7.1.2.7.7,
 * §7.1.2.10.3: its id-ad-ocsp and id-ad-caIssuers URIs are HTTP URLs. Custos accepts http:// and https:// (the
 * built-in CA writes its configured base URL); locations of another GeneralName form (RFC 5280 allows a
 * directoryName) and other access methods are left alone.
 */
export const aiaWellFormed: Lint = {
  name: 'aia-well-formed',
  severity: 'error',
  source: 'RFC 5280 §4.2.2.1; CA/B Forum BR §7.1.2.7.7',
  appliesTo: 'any',
  check(certificate) {
    const extension = extensionOf(certificate, OID_AUTHORITY_INFO_ACCESS);
    if (!extension) return undefined;
    if (extension.critical) return 'authorityInfoAccess is critical';
    let descriptions;
    try {
      descriptions = decodeAccessDescriptions(extension.value);
    } catch (error) {
      if (error instanceof PkiFormatError) return `authorityInfoAccess is malformed: ${error.message}`;
      throw error;
    }
    for (const { method, locationTag, location } of descriptions) {
      const name = METHODS[method];
      if (!name) continue;
      if (locationTag !== 6) continue; // a directoryName or other form: RFC 5280 allows it, BR asks for a URI beside
      if (!/^https?:\/\/[^/\s]+/i.test(location))
        return `authorityInfoAccess ${name} location '${location}' is not an HTTP URL`;
    }
    return undefined;
  },
};
