import {
  OID_AUTHORITY_KEY_IDENTIFIER,
  readAuthorityKeyIdentifier,
} from '../x509/extensions/authority-key-identifier.js';
import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

/** BR §7.1.2.11.1: authorityCertIssuer and authorityCertSerialNumber MUST NOT be present (keyIdentifier only). */
export const akiKeyIdentifierOnly: Lint = {
  name: 'aki-key-identifier-only',
  severity: 'error',
  source: 'CA/B Forum BR §7.1.2.11.1',
  appliesTo: 'any',
  check(certificate) {
    const extension = extensionOf(certificate, OID_AUTHORITY_KEY_IDENTIFIER);
    if (!extension) return undefined;
    const aki = readAuthorityKeyIdentifier(extension.value);
    return aki.authorityCertIssuer || aki.authorityCertSerialNumber
      ? 'authorityKeyIdentifier holds authorityCertIssuer/authorityCertSerialNumber (keyIdentifier only)'
      : undefined;
  },
};
