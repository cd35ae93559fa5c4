/**
 * The extensions a person reads about a certificate (`inventory show`, as `openssl x509 -text` lists them): key
 * usage, extended key usage, basic constraints, authority information access, CRL distribution points and the key
 * identifiers, each decoded by its file in ./extensions/ from one lenient walk of the DER (an inventory holds
 * certificates that strict DER refuses). An extension that cannot be decoded is reported as malformed, not dropped.
 */
import { readCertificateParts, type RawExtension } from './lean-reader.js';
import { decodeAuthorityInfoAccess, OID_AUTHORITY_INFO_ACCESS } from './extensions/authority-info-access.js';
import {
  decodeAuthorityKeyIdentifier,
  OID_AUTHORITY_KEY_IDENTIFIER,
} from './extensions/authority-key-identifier.js';
import { decodeBasicConstraints, OID_BASIC_CONSTRAINTS } from './extensions/basic-constraints.js';
import {
  decodeCrlDistributionPoints,
  OID_CRL_DISTRIBUTION_POINTS,
} from './extensions/crl-distribution-points.js';
import {
  decodeExtendedKeyUsage,
  EXTENDED_KEY_USAGE,
  OID_EXTENDED_KEY_USAGE,
} from './extensions/extended-key-usage.js';
import { decodeKeyUsage, KEY_USAGE, OID_KEY_USAGE } from './extensions/key-usage.js';
import {
  decodeSubjectKeyIdentifier,
  OID_SUBJECT_KEY_IDENTIFIER,
} from './extensions/subject-key-identifier.js';

/** One extension as read: its criticality and value, or why its value could not be decoded. */
export type ReadExtension<T> = { critical: boolean } & (T | { malformed: string });

export interface CertificateExtensions {
  /** The keyUsage bits set, by their RFC 5280 names (`digitalSignature`, `keyCertSign`, ...). */
  keyUsage: ReadExtension<{ usages: string[] }> | null;
  /** The key purposes by name (`serverAuth`, `clientAuth`, ...), or as a dotted OID when unnamed. */
  extendedKeyUsage: ReadExtension<{ purposes: string[] }> | null;
  basicConstraints: ReadExtension<{ ca: boolean; pathLength: number | null }> | null;
  /** The OCSP and CA issuers URIs. */
  authorityInfoAccess: ReadExtension<{ ocsp: string[]; caIssuers: string[] }> | null;
  /** The distribution points' URIs. */
  crlDistributionPoints: ReadExtension<{ uris: string[] }> | null;
  /** Lower-case hex. */
  subjectKeyIdentifier: ReadExtension<{ keyIdentifier: string }> | null;
  /** The keyIdentifier in lower-case hex (null when the issuer is named by name and serial only). */
  authorityKeyIdentifier: ReadExtension<{ keyIdentifier: string | null }> | null;
}

const PURPOSE_NAMES = new Map<string, string>(
  Object.entries(EXTENDED_KEY_USAGE).map(([name, oid]) => [oid, name]),
);

function read<T extends object>(
  extension: RawExtension | undefined,
  decode: (value: Uint8Array) => T,
): ReadExtension<T> | null {
  if (extension === undefined) return null;
  try {
    return { critical: extension.critical, ...decode(extension.value) };
  } catch (error) {
    return {
      critical: extension.critical,
      malformed: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Reads the extensions of a certificate; throws PkiFormatError (CUSTOS_DER_MALFORMED) when the DER is unreadable. */
export function certificateExtensions(der: Uint8Array): CertificateExtensions {
  const { extensions } = readCertificateParts(der, 'lenient-der').parts;
  const at = (oid: string): RawExtension | undefined => extensions.get(oid);
  return {
    keyUsage: read(at(OID_KEY_USAGE), (v) => {
      const flags = decodeKeyUsage(v);
      return {
        usages: Object.entries(KEY_USAGE).flatMap(([name, bit]) => ((flags & bit) !== 0 ? [name] : [])),
      };
    }),
    extendedKeyUsage: read(at(OID_EXTENDED_KEY_USAGE), (v) => ({
      purposes: decodeExtendedKeyUsage(v).map((oid) => PURPOSE_NAMES.get(oid) ?? oid),
    })),
    basicConstraints: read(at(OID_BASIC_CONSTRAINTS), (v) => decodeBasicConstraints(v)),
    authorityInfoAccess: read(at(OID_AUTHORITY_INFO_ACCESS), (v) => decodeAuthorityInfoAccess(v)),
    crlDistributionPoints: read(at(OID_CRL_DISTRIBUTION_POINTS), (v) => ({
      uris: decodeCrlDistributionPoints(v),
    })),
    subjectKeyIdentifier: read(at(OID_SUBJECT_KEY_IDENTIFIER), (v) => ({
      keyIdentifier: decodeSubjectKeyIdentifier(v),
    })),
    authorityKeyIdentifier: read(at(OID_AUTHORITY_KEY_IDENTIFIER), (v) => ({
      keyIdentifier: decodeAuthorityKeyIdentifier(v),
    })),
  };
}
