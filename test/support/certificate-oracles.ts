/**
 * Independent readings of a certificate, to test the lean reader (src/pki/x509/lean-reader.ts) against:
 * what @peculiar/x509 2.2 parses, and what `openssl x509 -text` prints.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type {
  KeyAlgorithm,
  ParsedCertificate,
  SubjectAltNames,
} from '../../src/pki/x509/parsed-certificate.js';

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A name as @peculiar/x509 prints it (RDNs in encoded order) turned into RFC 4514 order, the last RDN first, as
 * the lean reader prints names: the RDNs are split at the `, ` that is not inside an escape and put in reverse.
 */
export function rfc4514Order(text: string): string {
  const rdns: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      current += text.slice(i, i + 2);
      i++;
    } else if (text.startsWith(', ', i)) {
      rdns.push(current);
      current = '';
      i++;
    } else current += text[i];
  }
  rdns.push(current);
  return rdns.reverse().join(', ');
}

/** The fields of ParsedCertificate that @peculiar/x509 has, in ParsedCertificate's form. */
export interface PeculiarView {
  fingerprintSha256: string;
  serialNumber: string;
  subject: string;
  issuer: string;
  commonName: string | null;
  subjectAltNames: SubjectAltNames;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: KeyAlgorithm;
  /** Undefined where @peculiar/x509 does not give a size (RSA-PSS keys, unknown algorithms). */
  keySize: number | null | undefined;
  /** @peculiar/x509's curve name ("P-256", "K-256", "brainpoolP384r1"), else null. */
  curve: string | null;
  isCA: boolean;
  pathLength: number | null;
  extendedKeyUsage: string[] | null;
  spiffeId: string | null;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  publicKeySha256: string;
}

const CURVE_SIZES: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521, 'K-256': 256 };

function keyFacts(algorithm: Algorithm): Pick<PeculiarView, 'keyAlgorithm' | 'keySize' | 'curve'> {
  const a = algorithm as Algorithm & { modulusLength?: number; namedCurve?: string };
  switch (a.name) {
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
      return { keyAlgorithm: 'RSA', keySize: a.modulusLength, curve: null };
    case 'ECDSA': {
      const named = a.namedCurve ?? '';
      const brainpool = /^brainpoolP(\d+)[rt]1$/.exec(named);
      return {
        keyAlgorithm: 'ECDSA',
        keySize: CURVE_SIZES[named] ?? (brainpool ? Number(brainpool[1]) : undefined),
        curve: named,
      };
    }
    case 'Ed25519':
      return { keyAlgorithm: 'Ed25519', keySize: 256, curve: null };
    case 'EdDSA':
      return a.namedCurve === 'Ed448'
        ? { keyAlgorithm: 'Ed448', keySize: 456, curve: null }
        : { keyAlgorithm: 'unknown', keySize: undefined, curve: null };
    default:
      return { keyAlgorithm: 'unknown', keySize: undefined, curve: null };
  }
}

type Algorithm = { name: string };

export function peculiarView(der: Uint8Array): PeculiarView {
  const certificate = new x509.X509Certificate(der);
  const names: SubjectAltNames = { dns: [], ip: [], uri: [], email: [] };
  for (const name of certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? []) {
    if (name.type === 'dns') names.dns.push(name.value);
    else if (name.type === 'ip') names.ip.push(name.value);
    else if (name.type === 'url') names.uri.push(name.value);
    else if (name.type === 'email') names.email.push(name.value);
  }
  const basicConstraints = certificate.getExtension(x509.BasicConstraintsExtension);
  const commonNames = certificate.subjectName.getField('CN');
  const eku = certificate.getExtension(x509.ExtendedKeyUsageExtension);
  return {
    fingerprintSha256: sha256Hex(new Uint8Array(certificate.rawData)),
    serialNumber: certificate.serialNumber,
    subject: rfc4514Order(certificate.subject),
    issuer: rfc4514Order(certificate.issuer),
    commonName: commonNames.length > 0 ? commonNames[commonNames.length - 1]! : null,
    subjectAltNames: names,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    ...keyFacts(certificate.publicKey.algorithm as Algorithm),
    isCA: basicConstraints?.ca ?? false,
    pathLength: basicConstraints?.pathLength ?? null,
    extendedKeyUsage: eku ? Array.from(eku.usages, String) : null,
    spiffeId: names.uri.find((uri) => uri.startsWith('spiffe://')) ?? null,
    subjectKeyId: certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? null,
    authorityKeyId: certificate.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId ?? null,
    publicKeySha256: sha256Hex(new Uint8Array(certificate.publicKey.rawData)),
  };
}

/** What `openssl x509 -text` prints about a certificate. */
export interface OpensslView {
  fingerprintSha256: string;
  /** `-serial`, lower-cased ("-" prefix for a negative serial). */
  serialNumber: string;
  /** "Signature Algorithm:" as printed (ED25519 upper-case). */
  signatureAlgorithm: string;
  version: number;
  /** "Public-Key: (N bit)" where printed (RSA, EC), else null. */
  keyBits: number | null;
}

export function opensslView(der: Uint8Array): OpensslView {
  const dir = mkdtempSync(join(tmpdir(), 'custos-openssl-'));
  try {
    const file = join(dir, 'certificate.der');
    writeFileSync(file, der);
    const text = execFileSync(
      'openssl',
      ['x509', '-inform', 'DER', '-in', file, '-noout', '-serial', '-fingerprint', '-sha256', '-text'],
      { encoding: 'utf8' },
    );
    const field = (re: RegExp): string => {
      const m = re.exec(text);
      if (!m) throw new Error(`openssl output lacks ${re}:\n${text}`);
      return m[1]!;
    };
    const bits = /Public-Key: \((\d+) bit\)/.exec(text);
    return {
      fingerprintSha256: field(/sha256 Fingerprint=([0-9A-F:]+)/i)
        .replaceAll(':', '')
        .toLowerCase(),
      serialNumber: field(/^serial=(.*)$/m).toLowerCase(),
      signatureAlgorithm: field(/Signature Algorithm: (\S+)/),
      version: Number(field(/Version: (\d+)/)),
      keyBits: bits ? Number(bits[1]) : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs openssl with `args` in `dir`, returning stdout (stderr is kept quiet unless it fails). */
export function openssl(dir: string, ...args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The deliberate differences between the lean reader and @peculiar/x509 on a curve name: ParsedCertificate
 * names only the NIST curves and gives the OID of any other, where @peculiar/x509 has its own names.
 */
const PECULIAR_CURVE_NAMES: Record<string, string> = {
  '1.3.132.0.10': 'K-256',
  ...Object.fromEntries(
    [160, 192, 224, 256, 320, 384, 512].flatMap((size, i) => [
      [`1.3.36.3.3.2.8.1.1.${1 + 2 * i}`, `brainpoolP${size}r1`],
      [`1.3.36.3.3.2.8.1.1.${2 + 2 * i}`, `brainpoolP${size}t1`],
    ]),
  ),
};

/**
 * Asserts that every field the lean reader gave equals @peculiar/x509's reading of the same DER, except the
 * listed deliberate differences: curve names other than NIST's (the OID, see above), the key size of an
 * RSA-PSS key or an unknown algorithm (which @peculiar/x509 does not give; compare it with openssl), and
 * an unknown curve (@peculiar/x509 reports the key algorithm as the id-ecPublicKey OID).
 */
export function assertAgreesWithPeculiar(parsed: ParsedCertificate): void {
  const expected = peculiarView(parsed.der);
  const actual = { ...parsed } as Partial<ParsedCertificate>;
  delete actual.der;
  delete actual.signatureAlgorithm; // compared with openssl
  delete actual.selfSigned; // @peculiar/x509 checks the signature; compared with the fixture's expectation
  delete actual.version; // @peculiar/x509 has no version getter; compared with openssl
  const wanted: Partial<ParsedCertificate> = { ...expected } as Partial<ParsedCertificate>;
  if (expected.keySize === undefined) wanted.keySize = parsed.keySize;
  if (parsed.curve !== null && PECULIAR_CURVE_NAMES[parsed.curve] === expected.curve)
    wanted.curve = parsed.curve;
  if (expected.keyAlgorithm === 'unknown' && parsed.keyAlgorithm === 'ECDSA') {
    wanted.keyAlgorithm = 'ECDSA';
    wanted.curve = parsed.curve;
  }
  assert.deepEqual(actual, wanted);
}
