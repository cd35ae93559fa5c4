/**
 * A certificate as path building and validation see it: the raw issuer/subject names (compared byte for
 * byte, as rustls-webpki does), the public key with its size, the signature algorithm, and the extensions RFC
 * 5280 path processing reads. Extensions are read with @peculiar/x509; the names, algorithm identifiers,
 * subjectAltName and nameConstraints with the strict DER walker, so a malformed certificate is refused here
 * (PkiFormatError CUSTOS_DER_MALFORMED) instead of half-read.
 */
import { createHash, createPublicKey } from 'node:crypto';
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first
import * as x509 from '@peculiar/x509';
import { PkiFormatError } from '../problem.js';
import { DerError, content, decodeOid, parseDer, sameBytes, toHex, whole, type DerNode } from './der.js';
import type { PresentedIdentities } from './hostname.js';
import { readNameConstraints, readRdns, type NameConstraints } from './name-constraints.js';
import { signatureAlgorithmOf, type SignatureAlgorithm } from './signature-algorithm.js';

export type PathKeyAlgorithm = 'RSA' | 'ECDSA' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';

export interface PathCertificate {
  der: Uint8Array;
  /** SHA-256 of the DER, lower-case hex. */
  fingerprintSha256: string;
  x509: x509.X509Certificate;
  version: number;
  /** RFC 4514 text for messages. */
  subject: string;
  issuer: string;
  /** The DER of the subject and issuer Names, hex: what issuer matching compares. */
  subjectKey: string;
  issuerKey: string;
  /** subject == issuer (RFC 5280 "self-issued"). */
  selfIssued: boolean;
  /** SHA-256 of the SubjectPublicKeyInfo, hex: together with the subject, a trust anchor's identity. */
  publicKeySha256: string;
  keyAlgorithm: PathKeyAlgorithm;
  /** Modulus bits for RSA/DSA, curve bits for ECDSA, 256/456 for Ed25519/Ed448, null when unknown. */
  keySize: number | null;
  signatureAlgorithm: SignatureAlgorithm;
  notBefore: Date;
  notAfter: Date;
  basicConstraints: { ca: boolean; pathLength: number | null; critical: boolean } | null;
  /** keyUsage flags (x509.KeyUsageFlags), null when the extension is absent. */
  keyUsage: number | null;
  /** extendedKeyUsage OIDs, null when the extension is absent. */
  extendedKeyUsage: string[] | null;
  /** subjectAltName dNSName and iPAddress entries, null when the extension is absent. */
  subjectAltNames: PresentedIdentities | null;
  /** GeneralName tag numbers of the other subjectAltName entries (1 rfc822Name, 6 URI, ...). */
  otherNameTags: number[];
  /** The subject's RDNs, each as DER (for directoryName constraints). */
  subjectRdns: Uint8Array[];
  nameConstraints: NameConstraints | null;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** OIDs of critical extensions path processing does not understand. */
  unknownCriticalExtensions: string[];
}

const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extendedKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  certificatePolicies: '2.5.29.32',
} as const;

/** Critical extensions that path processing understands; any other critical one fails the path. */
const UNDERSTOOD = new Set<string>(Object.values(OID));

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp256k1: 256,
};

function readKey(spki: Uint8Array): { algorithm: PathKeyAlgorithm; size: number | null } {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { algorithm: 'RSA', size: details.modulusLength ?? null };
    case 'ec':
      return { algorithm: 'ECDSA', size: CURVE_BITS[details.namedCurve ?? ''] ?? null };
    case 'ed25519':
      return { algorithm: 'Ed25519', size: 256 };
    case 'ed448':
      return { algorithm: 'Ed448', size: 456 };
    case 'dsa':
      return { algorithm: 'DSA', size: details.modulusLength ?? null };
    default:
      return { algorithm: 'unknown', size: null };
  }
}

function readSubjectAltNames(value: Uint8Array): PresentedIdentities & { otherNameTags: number[] } {
  const names = parseDer(value);
  if (names.tag !== 0x30) throw new DerError('subjectAltName is not a SEQUENCE');
  if (names.children.length === 0) throw new DerError('subjectAltName is empty (RFC 5280 4.2.1.6)');
  const dns: string[] = [];
  const ip: Uint8Array[] = [];
  const otherNameTags: number[] = [];
  for (const name of names.children) {
    if (name.tag === 0x82) dns.push(Buffer.from(content(value, name)).toString('latin1'));
    else if (name.tag === 0x87) {
      const address = content(value, name);
      if (address.length !== 4 && address.length !== 16) throw new DerError('iPAddress of a wrong length');
      ip.push(new Uint8Array(address));
    } else otherNameTags.push(name.tag & 0x1f);
  }
  return { dns, ip, otherNameTags };
}

interface TbsParts {
  version: number;
  innerAlgorithm: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  outerAlgorithm: Uint8Array;
  outerAlgorithmOid: string;
}

function readTbs(der: Uint8Array): TbsParts {
  const certificate = parseDer(der);
  const [tbs, algorithm] = certificate.children;
  if (certificate.tag !== 0x30 || certificate.children.length !== 3 || !tbs || !algorithm) {
    throw new DerError('a Certificate is a SEQUENCE of three elements');
  }
  const fields: DerNode[] = [...tbs.children];
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const versionInteger = fields.shift()!.children[0];
    const value = versionInteger ? content(der, versionInteger) : new Uint8Array();
    if (versionInteger?.tag !== 0x02 || value.length !== 1) throw new DerError('malformed version');
    version = value[0]! + 1;
  }
  const [, inner, issuer, , subject, spki] = fields;
  if (!inner || !issuer || !subject || !spki) throw new DerError('TBSCertificate is missing fields');
  const oid = algorithm.children[0];
  if (oid?.tag !== 0x06) throw new DerError('signatureAlgorithm has no OBJECT IDENTIFIER');
  return {
    version,
    innerAlgorithm: whole(der, inner),
    issuer: whole(der, issuer),
    subject: whole(der, subject),
    spki: whole(der, spki),
    outerAlgorithm: whole(der, algorithm),
    outerAlgorithmOid: decodeOid(content(der, oid)),
  };
}

function malformed(message: string, cause?: unknown): PkiFormatError {
  return new PkiFormatError('CUSTOS_DER_MALFORMED', `malformed certificate: ${message}`, { cause });
}

/** Reads a certificate for path processing; throws PkiFormatError (CUSTOS_DER_MALFORMED) on malformed DER. */
export function readPathCertificate(der: Uint8Array): PathCertificate {
  let tbs: TbsParts;
  let cert: x509.X509Certificate;
  try {
    tbs = readTbs(der);
    cert = new x509.X509Certificate(der);
  } catch (error) {
    throw malformed(error instanceof Error ? error.message : String(error), error);
  }
  if (!sameBytes(tbs.innerAlgorithm, tbs.outerAlgorithm)) {
    throw malformed(
      'the signature algorithm inside and outside the TBSCertificate differ (RFC 5280 4.1.1.2)',
    );
  }
  const seen = new Set<string>();
  for (const extension of cert.extensions) {
    if (seen.has(extension.type)) throw malformed(`extension ${extension.type} appears twice`);
    seen.add(extension.type);
  }
  const extension = (oid: string): x509.Extension | undefined => cert.extensions.find((e) => e.type === oid);
  let key: ReturnType<typeof readKey>;
  let parsedExtensions: Pick<
    PathCertificate,
    | 'basicConstraints'
    | 'keyUsage'
    | 'extendedKeyUsage'
    | 'subjectAltNames'
    | 'otherNameTags'
    | 'subjectRdns'
    | 'nameConstraints'
    | 'subjectKeyId'
    | 'authorityKeyId'
  >;
  try {
    key = readKey(tbs.spki);
    const basic = extension(OID.basicConstraints);
    const bc = basic ? new x509.BasicConstraintsExtension(basic.rawData) : null;
    const ku = extension(OID.keyUsage);
    const eku = extension(OID.extendedKeyUsage);
    const san = extension(OID.subjectAltName);
    const nc = extension(OID.nameConstraints);
    const ski = extension(OID.subjectKeyId);
    const aki = extension(OID.authorityKeyId);
    const akiKeyId = aki ? new x509.AuthorityKeyIdentifierExtension(aki.rawData).keyId : undefined;
    const alt = san ? readSubjectAltNames(new Uint8Array(san.value)) : null;
    parsedExtensions = {
      basicConstraints: bc ? { ca: bc.ca, pathLength: bc.pathLength ?? null, critical: bc.critical } : null,
      keyUsage: ku ? new x509.KeyUsagesExtension(ku.rawData).usages : null,
      extendedKeyUsage: eku
        ? new x509.ExtendedKeyUsageExtension(eku.rawData).usages.map((usage) => String(usage))
        : null,
      subjectAltNames: alt ? { dns: alt.dns, ip: alt.ip } : null,
      otherNameTags: alt?.otherNameTags ?? [],
      subjectRdns: readRdns(tbs.subject),
      nameConstraints: nc ? readNameConstraints(new Uint8Array(nc.value)) : null,
      subjectKeyId: ski ? new x509.SubjectKeyIdentifierExtension(ski.rawData).keyId.toLowerCase() : null,
      authorityKeyId: akiKeyId ? akiKeyId.toLowerCase() : null,
    };
  } catch (error) {
    throw malformed(error instanceof Error ? error.message : String(error), error);
  }
  return {
    der,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    x509: cert,
    version: tbs.version,
    subject: cert.subject,
    issuer: cert.issuer,
    subjectKey: toHex(tbs.subject),
    issuerKey: toHex(tbs.issuer),
    selfIssued: sameBytes(tbs.subject, tbs.issuer),
    publicKeySha256: createHash('sha256').update(tbs.spki).digest('hex'),
    keyAlgorithm: key.algorithm,
    keySize: key.size,
    signatureAlgorithm: signatureAlgorithmOf(tbs.outerAlgorithmOid),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    ...parsedExtensions,
    unknownCriticalExtensions: cert.extensions
      .filter((e) => e.critical && !UNDERSTOOD.has(e.type))
      .map((e) => e.type),
  };
}

/** "CN=x (sha256 1a2b3c4d…)": how messages name a certificate. */
export function describe(certificate: PathCertificate): string {
  return `'${certificate.subject}' (sha256 ${certificate.fingerprintSha256.slice(0, 16)})`;
}
