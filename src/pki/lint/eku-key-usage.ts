import { EKU_CLIENT_AUTH, EKU_SERVER_AUTH } from '../x509/extensions/extended-key-usage.js';
import { KEY_USAGE } from '../x509/extensions/key-usage.js';
import type { Lint } from './lint.js';

/**
 * RFC 5280 §4.2.1.12: when both are present, extendedKeyUsage and keyUsage must agree. For TLS (RFC 8446
 * §4.4.2.2, RFC 5246 §7.4.2, BR §7.1.2.7.11): serverAuth with an EC or EdDSA key needs digitalSignature; with RSA
 * digitalSignature or keyEncipherment; clientAuth needs digitalSignature (or keyAgreement with EC).
 */
export const ekuKeyUsage: Lint = {
  name: 'eku-key-usage',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.12; RFC 8446 §4.4.2.2; CA/B Forum BR §7.1.2.7.11',
  appliesTo: 'leaf',
  check(certificate) {
    const usage = certificate.keyUsage;
    const eku = certificate.extendedKeyUsage;
    if (usage === null || eku === null) return undefined;
    const rsa = certificate.keyAlgorithm === 'RSA';
    if (eku.includes(EKU_SERVER_AUTH)) {
      const needed = rsa
        ? KEY_USAGE.digitalSignature | KEY_USAGE.keyEncipherment
        : KEY_USAGE.digitalSignature;
      if (!(usage & needed))
        return rsa
          ? 'serverAuth with an RSA key needs keyUsage digitalSignature or keyEncipherment'
          : `serverAuth with an ${certificate.keyAlgorithm} key needs keyUsage digitalSignature`;
    }
    if (eku.includes(EKU_CLIENT_AUTH)) {
      const needed =
        certificate.keyAlgorithm === 'ECDSA'
          ? KEY_USAGE.digitalSignature | KEY_USAGE.keyAgreement
          : KEY_USAGE.digitalSignature;
      if (!(usage & needed)) return 'clientAuth needs keyUsage digitalSignature';
    }
    return undefined;
  },
};
