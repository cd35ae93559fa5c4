/**
 * A certificate as path building and validation see it: the inventory's fields (ParsedCertificate) plus the raw
 * issuer/subject names (compared byte for byte, as rustls-webpki does), the TBS and signature bytes, the
 * signature algorithm from the registry, and the extensions RFC 5280 path processing reads — all from one
 * strict-DER walk of the certificate (src/pki/x509/lean-reader.ts `readCertificateParts`), with each extension
 * decoded by its file in src/pki/x509/extensions/. A malformed certificate is refused here (PkiFormatError
 * CUSTOS_DER_MALFORMED) instead of half-read.
 *
 * Why not @peculiar/x509 for the extensions: reading one certificate with it (the certificate and six
 * extension objects) cost ~7 ms on this shared machine, 136 certificates/s, which made a served-chain verdict
 * against the 145 system roots take a second; this reader costs a few hundredths of that. Parsed certificates
 * are also cached by fingerprint (`readPathCertificateCached`), so trust anchors and common intermediates are
 * read once per process.
 */
import { createHash } from 'node:crypto';
import { signatureAlgorithmOf, type SignatureAlgorithm } from '../asn1/algorithms.js';
import { PkiFormatError } from '../problem.js';
import { OID_AUTHORITY_KEY_IDENTIFIER } from '../x509/extensions/authority-key-identifier.js';
import { OID_CERTIFICATE_POLICIES } from '../x509/extensions/certificate-policies.js';
import {
  decodeBasicConstraints,
  OID_BASIC_CONSTRAINTS,
  type BasicConstraints,
} from '../x509/extensions/basic-constraints.js';
import { OID_EXTENDED_KEY_USAGE } from '../x509/extensions/extended-key-usage.js';
import { decodeKeyUsage, OID_KEY_USAGE } from '../x509/extensions/key-usage.js';
import {
  decodeNameConstraints,
  OID_NAME_CONSTRAINTS,
  type NameConstraints,
} from '../x509/extensions/name-constraints.js';
import { OID_SUBJECT_ALT_NAME } from '../x509/extensions/subject-alt-name.js';
import { OID_SUBJECT_KEY_IDENTIFIER } from '../x509/extensions/subject-key-identifier.js';
import { readCertificateParts, type RawExtension, type TimeEncoding } from '../x509/lean-reader.js';
import type { ParsedCertificate } from '../x509/parsed-certificate.js';
import type { PresentedIdentities } from './hostname.js';
import { sameBytes } from '../asn1/tlv.js';

export interface PathCertificate extends ParsedCertificate {
  /** The DER of the subject and issuer Names, hex: what issuer matching compares. */
  subjectKey: string;
  issuerKey: string;
  /** subject == issuer (RFC 5280 "self-issued"). */
  selfIssued: boolean;
  /** The DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** The signature algorithm, from the registry (`signatureAlgorithm` is its name). */
  signatureAlgorithmInfo: SignatureAlgorithm;
  /** The DER TBSCertificate (what the signature covers) and the signature value. */
  tbs: Uint8Array;
  signature: Uint8Array;
  /** basicConstraints, null when absent. */
  basicConstraints: BasicConstraints | null;
  /** keyUsage flags (bit i of the BIT STRING is 1 << i, as x509.KeyUsageFlags), null when absent. */
  keyUsage: number | null;
  /** subjectAltName dNSName and iPAddress entries, null when the extension is absent. */
  presentedIdentities: PresentedIdentities | null;
  /** GeneralName tag numbers of the other subjectAltName entries (1 rfc822Name, 6 URI, ...). */
  otherNameTags: number[];
  /** The DER of the subject Name (its RDNs are read only when a directoryName constraint applies). */
  subjectDer: Uint8Array;
  nameConstraints: NameConstraints | null;
  /** OIDs of critical extensions path processing does not understand. */
  unknownCriticalExtensions: string[];
  /** Every extension in certificate order with its criticality and value (what the lints in src/pki/lint read). */
  extensionList: Array<RawExtension & { oid: string }>;
  /** OIDs that appear more than once: only with `keepDuplicateExtensions`, otherwise the read fails. */
  duplicateExtensions: string[];
  /** The serialNumber INTEGER's content octets as encoded (a 0x00 pad included; negative stays negative). */
  serialNumberBytes: Uint8Array;
  /** How notBefore and notAfter are written (UTCTime or GeneralizedTime, and the characters). */
  notBeforeEncoding: TimeEncoding;
  notAfterEncoding: TimeEncoding;
  /** The subject is the empty SEQUENCE. */
  subjectEmpty: boolean;
}

export interface ReadPathCertificateOptions {
  /**
   * Read a certificate with a repeated extension instead of refusing it (RFC 5280 §4.2 forbids it, so path
   * validation refuses it; the lints read it to name the fault). Default false.
   */
  keepDuplicateExtensions?: boolean;
}

/** Critical extensions that path processing understands; any other critical one fails the path. */
const UNDERSTOOD = new Set<string>([
  OID_BASIC_CONSTRAINTS,
  OID_KEY_USAGE,
  OID_EXTENDED_KEY_USAGE,
  OID_SUBJECT_ALT_NAME,
  OID_NAME_CONSTRAINTS,
  OID_SUBJECT_KEY_IDENTIFIER,
  OID_AUTHORITY_KEY_IDENTIFIER,
  OID_CERTIFICATE_POLICIES,
]);

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function malformed(message: string, cause?: unknown): PkiFormatError {
  return new PkiFormatError('CUSTOS_DER_MALFORMED', `malformed certificate: ${message}`, { cause });
}

/** Reads a certificate for path processing; throws PkiFormatError (CUSTOS_DER_MALFORMED) on malformed DER. */
export function readPathCertificate(
  der: Uint8Array,
  options: ReadPathCertificateOptions = {},
): PathCertificate {
  try {
    const { certificate, parts } = readCertificateParts(der, 'strict-der');
    if (parts.duplicateExtensions.length > 0 && !options.keepDuplicateExtensions)
      throw malformed(`extension ${parts.duplicateExtensions[0]} appears twice`);
    if (!sameBytes(parts.innerAlgorithm, parts.outerAlgorithm)) {
      throw malformed(
        'the signature algorithm inside and outside the TBSCertificate differ (RFC 5280 4.1.1.2)',
      );
    }
    if (parts.signatureUnusedBits !== 0) throw malformed('signature BIT STRING with unused bits');
    const value = (oid: string): Uint8Array | undefined => parts.extensions.get(oid)?.value;
    const alt = parts.subjectAltName ?? null;
    const bc = value(OID_BASIC_CONSTRAINTS);
    const ku = value(OID_KEY_USAGE);
    const nc = value(OID_NAME_CONSTRAINTS);
    // The path fields come first and the certificate's are spread after them: V8 copies a spread object's shape
    // when it opens the literal, and adding 21 properties after `...certificate` built a new shape per call
    // (readPathCertificate of a 610-byte leaf: 168 µs, most of it garbage collection; spread last: 20 µs).
    return {
      subjectKey: toHex(parts.subject),
      issuerKey: toHex(parts.issuer),
      selfIssued: sameBytes(parts.subject, parts.issuer),
      spki: parts.spki,
      signatureAlgorithmInfo: signatureAlgorithmOf(parts.signatureOid),
      tbs: parts.tbs,
      signature: parts.signature,
      basicConstraints: bc ? decodeBasicConstraints(bc, 'strict-der') : null,
      keyUsage: ku ? decodeKeyUsage(ku, 'strict-der') : null,
      presentedIdentities: alt ? { dns: alt.dns, ip: alt.ip } : null,
      otherNameTags: alt
        ? [...alt.otherNameTags, ...(alt.uri.length ? [6] : []), ...(alt.email.length ? [1] : [])]
        : [],
      subjectDer: parts.subject,
      nameConstraints: nc ? decodeNameConstraints(nc, 'strict-der') : null,
      unknownCriticalExtensions: [...parts.extensions]
        .filter(([type, e]) => e.critical && !UNDERSTOOD.has(type))
        .map(([type]) => type),
      extensionList: parts.extensionList,
      duplicateExtensions: parts.duplicateExtensions,
      serialNumberBytes: parts.serialNumber,
      notBeforeEncoding: parts.notBeforeEncoding,
      notAfterEncoding: parts.notAfterEncoding,
      subjectEmpty: parts.subject.length === 2,
      ...certificate,
    };
  } catch (error) {
    if (error instanceof PkiFormatError && error.message.startsWith('malformed certificate:')) throw error;
    throw malformed(error instanceof Error ? error.message : String(error), error);
  }
}

const CACHE_SIZE = 4096;
const cache = new Map<string, PathCertificate>();

/**
 * readPathCertificate, remembered by fingerprint (the most recent 4,096): a scanner sees the same trust
 * anchors and intermediates on every endpoint. Malformed certificates are not remembered.
 */
export function readPathCertificateCached(der: Uint8Array): PathCertificate {
  const fingerprint = createHash('sha256').update(der).digest('hex');
  const known = cache.get(fingerprint);
  if (known) return known;
  const certificate = readPathCertificate(der);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(fingerprint, certificate);
  return certificate;
}

/** "CN=x (sha256 1a2b3c4d…)": how messages name a certificate. */
export function describe(certificate: PathCertificate): string {
  return `'${certificate.subject}' (sha256 ${certificate.fingerprintSha256.slice(0, 16)})`;
}
