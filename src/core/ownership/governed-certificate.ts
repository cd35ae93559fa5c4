import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';
import type { Location } from '../inventory/location.js';

/** What ownership, identity linking and exceptions look at: a certificate and where it is installed now. */
export interface GovernedCertificate {
  certificate: Pick<ParsedCertificate, 'fingerprintSha256' | 'commonName' | 'subjectAltNames' | 'spiffeId'>;
  locations: readonly Location[];
}

/** The names rules and identities match: every SAN (DNS, IP, URI, email) and the CN. */
export function certificateNames(certificate: GovernedCertificate['certificate']): string[] {
  const san = certificate.subjectAltNames;
  const names = [...san.dns, ...san.ip, ...san.uri, ...san.email];
  if (certificate.commonName !== null && !names.includes(certificate.commonName))
    names.push(certificate.commonName);
  return names;
}
