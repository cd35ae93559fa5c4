import { formatIpAddress, parseIpAddress } from '../ip-address.js';
import type { PathCertificate } from '../path/path-certificate.js';
import { isOcspResponder } from './facts.js';
import type { Lint } from './lint.js';

/**
 * BR §7.1.4.3 (subject commonName): when present, a character-for-character copy of one of the subjectAltName's
 * dNSNames, or an IP address in its canonical text (dotted decimal; RFC 5952 for IPv6) that is one of its
 * iPAddresses (not an OCSP responder's, whose commonName names the responder, BR §7.1.2.8). Case, hex or zero-padded addresses and a U-label for an A-label all differ.
 */
export const commonNameInSan: Lint = {
  name: 'common-name-in-san',
  severity: 'error',
  source: 'CA/B Forum BR §7.1.4.3',
  appliesTo: 'leaf',
  check(certificate) {
    const cn = certificate.commonName;
    if (cn === null || isOcspResponder(certificate)) return undefined;
    const address = parseIpAddress(cn);
    const names = certificate.subjectAltNames;
    const found = address && formatIpAddress(address) === cn ? names.ip.includes(cn) : names.dns.includes(cn);
    return found ? undefined : `the subject commonName '${cn}' is not one of the subjectAltName entries`;
  },
};

/** A host as a URL parser reads it (IPv4 in any of its legacy forms, IPv6 in any case, IDNs to A-labels), or null. */
function hostOf(text: string): string | null {
  try {
    return new URL(`http://${text.includes(':') ? `[${text}]` : text}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * The part of BR §7.1.4.3 path validation holds a certificate to (path-lints.ts): a commonName that names one of
 * the subjectAltName's values — the same address in another notation, the same domain in another case or as a
 * U-label — must be its character-for-character copy, since a client reading the CN would see another name than
 * one reading the SAN. A CN naming something else entirely is left to the issuance lint (clients ignore it).
 */
export function commonNameMisencoded(certificate: PathCertificate): string | undefined {
  const cn = certificate.commonName;
  if (cn === null) return undefined;
  const names = [...certificate.subjectAltNames.dns, ...certificate.subjectAltNames.ip];
  if (names.includes(cn)) return undefined;
  const host = hostOf(cn);
  const same = host !== null && names.find((name) => hostOf(name) === host);
  return same
    ? `the subject commonName '${cn}' names the subjectAltName '${same}' in another encoding`
    : undefined;
}
