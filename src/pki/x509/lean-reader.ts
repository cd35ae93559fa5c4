/**
 * The lean certificate reader: exactly the fields of `ParsedCertificate`, straight from the DER, for the
 * hot path of scans. @peculiar/x509 stays the library for everything else.
 *
 * Why hand-written (`npx tsx bench/parse-certificates.ts`: 20,000 varied certificates of 1.2 kB on average,
 * one core, Node 20.20, on a shared 2-core machine under loads from quiet to 14):
 *   lean parseCertificate            35,000 - 125,000 certificates/s  (~15x Node's, ~45x @peculiar/x509's, quiet)
 *   node crypto.X509Certificate       1,500 -   7,700 certificates/s
 *   @peculiar/x509 X509Certificate      520 -   2,800 certificates/s  (170 - 750/s reading the fields too)
 *   SHA-256 of the DER (one-shot)   300,000 - 880,000 certificates/s  (the limit; the reader hashes twice)
 * The quietest run gave 123,748/s against SHA-256's 880,972/s; the unloaded figures are 7,000/s for
 * Node and 2,700/s for @peculiar/x509.
 * The file scan must reach 20,000 certificates/s, which neither library allows.
 *
 * Every field agrees with @peculiar/x509 2.2 on every certificate the tests build or get from openssl
 * (lean-reader.test.ts, test/pki/lean-reader-openssl.test.ts; also with openssl for the fingerprint, serial,
 * signature algorithm, version and key size), except these deliberate differences: a curve other than P-256,
 * P-384 and P-521 is its OID (@peculiar/x509: "K-256", "brainpoolP384r1"); an iPAddress SAN of neither 4 nor
 * 16 bytes is left out (@peculiar/x509 prints a CIDR); a DN value of a non-string type is kept as its bytes
 * (asn1js reads into it). Malformed input of any kind ends in PkiFormatError('CUSTOS_DER_MALFORMED') and
 * nothing else (lean-reader-fuzz.test.ts).
 * Strictness is the `lenient-der` mode of src/pki/asn1/reader.ts (path validation reads in `strict-der`);
 * besides it: no bytes may follow the certificate, every structure must hold exactly its fields, duplicate extensions are rejected, and times must be DER's UTCTime
 * (YYMMDDHHMMSSZ, YY >= 50 is 19YY) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z).
 */
import { hash } from 'node:crypto';
import type { ParsedCertificate, SubjectAltNames } from './parsed-certificate.js';
import { Asn1Cursor, malformed, TAG } from '../asn1/reader.js';
import { readName } from './names.js';
import { signatureAlgorithmOf } from '../asn1/algorithms.js';
import { readPublicKey } from './public-key.js';
import { readTime } from './validity-time.js';
import { decodeOid } from '../asn1/oid.js';
import { formatIpAddress } from '../ip-address.js';
import { decodeAuthorityKeyIdentifier } from './extensions/authority-key-identifier.js';
import { decodeBasicConstraints } from './extensions/basic-constraints.js';
import { decodeExtendedKeyUsage } from './extensions/extended-key-usage.js';
import { decodeSubjectAltName, type SubjectAltName } from './extensions/subject-alt-name.js';
import { decodeSubjectKeyIdentifier } from './extensions/subject-key-identifier.js';
import type { Asn1Mode } from '../asn1/reader.js';

/** The extensions the inventory keeps, by the last octet of their OID under id-ce (2.5.29.x, content 55 1d xx). */
const ID_CE = {
  SUBJECT_KEY_IDENTIFIER: 0x0e,
  SUBJECT_ALT_NAME: 0x11,
  BASIC_CONSTRAINTS: 0x13,
  AUTHORITY_KEY_IDENTIFIER: 0x23,
  EXTENDED_KEY_USAGE: 0x25,
} as const;

/** One extension as it is in the certificate. */
export interface RawExtension {
  critical: boolean;
  /** The extnValue contents (the DER of the extension's value). */
  value: Uint8Array;
}

/** How a validity time is written: its ASN.1 type and its characters (lints check RFC 5280 §4.1.2.5). */
export interface TimeEncoding {
  type: 'UTCTime' | 'GeneralizedTime';
  text: string;
}

/**
 * What path validation reads besides the inventory's fields, recorded during the same walk: the byte ranges of
 * the TBSCertificate, both signature AlgorithmIdentifiers, the issuer and subject Names and the
 * SubjectPublicKeyInfo, the signature value, and every extension by OID.
 */
export interface CertificateParts {
  tbs: Uint8Array;
  innerAlgorithm: Uint8Array;
  outerAlgorithm: Uint8Array;
  signatureOid: string;
  /** The signatureValue BIT STRING contents without its unused-bits octet. */
  signature: Uint8Array;
  signatureUnusedBits: number;
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  extensions: Map<string, RawExtension>;
  /** Every extension in certificate order, repeats included (`extensions` keeps the first of each OID). */
  extensionList: Array<RawExtension & { oid: string }>;
  /** OIDs that appear more than once (only recorded when parts are read; parseCertificate refuses them). */
  duplicateExtensions: string[];
  /** The serialNumber INTEGER's content octets as encoded (a 0x00 pad included). */
  serialNumber: Uint8Array;
  notBeforeEncoding: TimeEncoding;
  notAfterEncoding: TimeEncoding;
  /** The subjectAltName as decoded during the walk, when present. */
  subjectAltName?: SubjectAltName;
}

/** Reads a DER certificate; throws PkiFormatError('CUSTOS_DER_MALFORMED', ...) on any malformed input. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  return walk(der, 'lenient-der', null);
}

/**
 * Reads a certificate once, in the given mode (path validation: `strict-der`), for its fields and the parts
 * path validation reads; throws PkiFormatError('CUSTOS_DER_MALFORMED', ...) on any malformed input.
 */
export function readCertificateParts(
  der: Uint8Array,
  mode: Asn1Mode,
): { certificate: ParsedCertificate; parts: CertificateParts } {
  const parts = {} as CertificateParts;
  return { certificate: walk(der, mode, parts), parts };
}

function walk(der: Uint8Array, mode: Asn1Mode, parts: CertificateParts | null): ParsedCertificate {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const top = new Asn1Cursor(bytes, 0, bytes.length, mode);
  top.expect(TAG.SEQUENCE, 'certificate');
  top.finish('certificate (bytes after its end)');
  const certificate = top.inner();
  certificate.expect(TAG.SEQUENCE, 'tbsCertificate');
  if (parts) parts.tbs = bytes.subarray(certificate.tlvStart, certificate.end);
  const tbs = certificate.inner();
  certificate.expect(TAG.SEQUENCE, 'signatureAlgorithm');
  if (parts) parts.outerAlgorithm = bytes.subarray(certificate.tlvStart, certificate.end);
  const signatureAlgorithm = certificate.inner();
  signatureAlgorithm.expect(TAG.OID, 'signatureAlgorithm algorithm');
  const signatureOid = decodeOid(
    bytes,
    signatureAlgorithm.start,
    signatureAlgorithm.end,
    mode === 'strict-der',
  );
  certificate.expect(TAG.BIT_STRING, 'signatureValue');
  if (parts) {
    if (certificate.end === certificate.start) malformed('signatureValue: empty BIT STRING');
    parts.signatureOid = signatureOid;
    parts.signatureUnusedBits = bytes[certificate.start]!;
    parts.signature = bytes.subarray(certificate.start + 1, certificate.end);
  }
  certificate.finish('certificate');

  let version = 1;
  if (tbs.peek() === 0xa0) {
    tbs.next('version');
    const explicit = tbs.inner();
    explicit.expect(TAG.INTEGER, 'version');
    explicit.finish('version');
    if (explicit.end - explicit.start !== 1 || bytes[explicit.start] > 2)
      malformed('version: not v1, v2 or v3');
    version = bytes[explicit.start] + 1;
  }
  tbs.expect(TAG.INTEGER, 'serialNumber');
  const serialNumber = serialHex(bytes, tbs.start, tbs.end);
  if (parts) parts.serialNumber = bytes.subarray(tbs.start, tbs.end);
  tbs.expect(TAG.SEQUENCE, 'signature');
  if (parts) parts.innerAlgorithm = bytes.subarray(tbs.tlvStart, tbs.end);
  tbs.expect(TAG.SEQUENCE, 'issuer');
  if (parts) parts.issuer = bytes.subarray(tbs.tlvStart, tbs.end);
  const issuerTlv = [tbs.tlvStart, tbs.end] as const;
  const issuer = readName(bytes, tbs.start, tbs.end, 'issuer', mode);
  tbs.expect(TAG.SEQUENCE, 'validity');
  const validity = tbs.inner();
  const notBefore = readTime(validity, 'notBefore');
  if (parts) parts.notBeforeEncoding = timeEncoding(validity);
  const notAfter = readTime(validity, 'notAfter');
  if (parts) parts.notAfterEncoding = timeEncoding(validity);
  validity.finish('validity');
  tbs.expect(TAG.SEQUENCE, 'subject');
  const subjectTlv = [tbs.tlvStart, tbs.end] as const;
  if (parts) parts.subject = bytes.subarray(tbs.tlvStart, tbs.end);
  const subject = readName(bytes, tbs.start, tbs.end, 'subject', mode);
  tbs.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const publicKeySha256 = sha256Hex(bytes.subarray(tbs.tlvStart, tbs.end));
  if (parts) parts.spki = bytes.subarray(tbs.tlvStart, tbs.end);
  const key = readPublicKey(tbs.inner());
  if (tbs.peek() === 0x81 || tbs.peek() === 0xa1) tbs.next('issuerUniqueID');
  if (tbs.peek() === 0x82 || tbs.peek() === 0xa2) tbs.next('subjectUniqueID');

  let subjectAltNames: SubjectAltNames = { dns: [], ip: [], uri: [], email: [] };
  if (parts) {
    parts.extensions = new Map();
    parts.extensionList = [];
    parts.duplicateExtensions = [];
  }
  let isCA = false;
  let pathLength: number | null = null;
  let subjectKeyId: string | null = null;
  let authorityKeyId: string | null = null;
  let extendedKeyUsage: string[] | null = null;
  if (tbs.peek() === 0xa3) {
    tbs.next('extensions');
    const explicit = tbs.inner();
    explicit.expect(TAG.SEQUENCE, 'extensions');
    explicit.finish('extensions');
    const extensions = explicit.inner();
    const seen: number[] = [];
    while (extensions.hasMore()) {
      extensions.expect(TAG.SEQUENCE, 'extension');
      const extension = extensions.inner();
      extension.expect(TAG.OID, 'extension extnID');
      const oidStart = extension.start;
      const oidEnd = extension.end;
      const repeated = isRepeated(bytes, seen, oidStart, oidEnd);
      if (repeated && !parts) malformed(`extension ${decodeOid(bytes, oidStart, oidEnd)} appears twice`);
      let critical = false;
      if (extension.peek() === TAG.BOOLEAN) {
        extension.next('extension critical');
        critical = extension.end - extension.start === 1 && bytes[extension.start] === 0xff;
      }
      extension.expect(TAG.OCTET_STRING, 'extension extnValue');
      extension.finish('extension');
      const { start, end } = extension;
      if (parts) {
        const oid = decodeOid(bytes, oidStart, oidEnd, mode === 'strict-der');
        const value = bytes.subarray(start, end);
        parts.extensionList.push({ oid, critical, value });
        if (repeated) {
          if (!parts.duplicateExtensions.includes(oid)) parts.duplicateExtensions.push(oid);
          continue; // the first one is the extension's value
        }
        parts.extensions.set(oid, { critical, value });
      }
      if (oidEnd - oidStart !== 3 || bytes[oidStart] !== 0x55 || bytes[oidStart + 1] !== 0x1d) continue;
      switch (bytes[oidStart + 2]) {
        case ID_CE.SUBJECT_ALT_NAME: {
          const san = decodeSubjectAltName(bytes, mode, start, end);
          if (parts) parts.subjectAltName = san;
          subjectAltNames = { dns: san.dns, ip: san.ip.map(formatIpAddress), uri: san.uri, email: san.email };
          break;
        }
        case ID_CE.BASIC_CONSTRAINTS:
          ({ ca: isCA, pathLength } = decodeBasicConstraints(bytes, mode, start, end));
          break;
        case ID_CE.SUBJECT_KEY_IDENTIFIER:
          subjectKeyId = decodeSubjectKeyIdentifier(bytes, mode, start, end);
          break;
        case ID_CE.AUTHORITY_KEY_IDENTIFIER:
          authorityKeyId = decodeAuthorityKeyIdentifier(bytes, mode, start, end);
          break;
        case ID_CE.EXTENDED_KEY_USAGE:
          extendedKeyUsage = decodeExtendedKeyUsage(bytes, mode, start, end);
          break;
        default: // not kept: skipped by length
      }
    }
  }
  tbs.finish('tbsCertificate');

  const sameName =
    subjectTlv[1] - subjectTlv[0] === issuerTlv[1] - issuerTlv[0] &&
    bytes.compare(bytes, issuerTlv[0], issuerTlv[1], subjectTlv[0], subjectTlv[1]) === 0;
  return {
    der,
    fingerprintSha256: sha256Hex(der),
    serialNumber,
    subject: subject.text,
    issuer: issuer.text,
    commonName: subject.commonName,
    subjectAltNames,
    notBefore,
    notAfter,
    keyAlgorithm: key.algorithm,
    keySize: key.size,
    curve: key.curve,
    signatureAlgorithm: signatureAlgorithmOf(signatureOid).name,
    isCA,
    pathLength,
    extendedKeyUsage,
    selfSigned:
      sameName && (subjectKeyId === null || authorityKeyId === null || subjectKeyId === authorityKeyId),
    spiffeId: subjectAltNames.uri.find((uri) => uri.startsWith('spiffe://')) ?? null,
    subjectKeyId,
    authorityKeyId,
    publicKeySha256,
    version,
  };
}

/** One-shot hashing: for inputs of a few hundred bytes, createHash() costs more than the hashing itself. */
function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}

/**
 * As @peculiar/x509: the hex of the INTEGER's content bytes, without the one 0x00 that DER puts before a
 * first byte >= 0x80. So 0 is "00", and a negative serial keeps its two's complement bytes ("ff01").
 */
function serialHex(bytes: Buffer, start: number, end: number): string {
  if (start === end) malformed('serialNumber: empty INTEGER');
  if (end - start > 1 && bytes[start] === 0 && bytes[start + 1] > 0x7f) start++;
  return bytes.toString('hex', start, end);
}

/** Whether the OID at [start, end) was seen before (then it is not added again). */
function isRepeated(bytes: Buffer, seen: number[], start: number, end: number): boolean {
  const length = end - start;
  for (let i = 0; i < seen.length; i += 2) {
    const otherStart = seen[i];
    if (seen[i + 1] - otherStart !== length) continue;
    let p = 0;
    while (p < length && bytes[start + p] === bytes[otherStart + p]) p++;
    if (p === length) return true;
  }
  seen.push(start, end);
  return false;
}

/** The time the cursor last read, as written. */
function timeEncoding(validity: Asn1Cursor): TimeEncoding {
  return {
    type: validity.tag === TAG.UTC_TIME ? 'UTCTime' : 'GeneralizedTime',
    text: Buffer.from(validity.bytes.buffer, validity.bytes.byteOffset, validity.bytes.byteLength).toString(
      'latin1',
      validity.start,
      validity.end,
    ),
  };
}
