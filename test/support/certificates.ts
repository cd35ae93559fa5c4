/**
 * Test certificate builder: composable options over the project's own generator
 * (src/pki/x509/generate/certificate.ts) signing with the node:crypto Signer (src/connectors/crypto). Keys come
 * from Node's webcrypto; certificates and keys are generated at run time (never committed).
 *
 * @example
 *   const { root, intermediate, leaf } = await aChain();
 *   const ca = await aCertificate(withSubject('CN=Test CA'), asCA({ pathLength: 0 }));
 *   const server = await aCertificate(
 *     withSubject('CN=api.example, O=Example'),
 *     withDnsNames('api.example', '*.api.example'),
 *     withIpAddresses('127.0.0.1', '::1'),
 *     withKey('RSA', 2048),
 *     expiringIn(30),
 *     issuedBy(ca),
 *   );
 *   server.der; server.pem; server.fingerprintSha256; server.privateKeyPem; server.x509;
 *
 * Defaults: ECDSA P-256, subject CN=test.example with dnsNames [test.example] (a leaf given no SAN option
 * gets its CN as DNS name when the CN looks like a host name; a CA gets no default SAN), valid from one day
 * ago for 90 days, self-signed unless issuedBy(ca), a random 16-byte serial, SHA-256 signatures, a subject
 * key identifier always (SHA-1 of the key, RFC 5280 §4.2.1.2 (1)) and an authority key identifier (the issuer's
 * SKI) when issued by a CA that has one.
 * Key pairs are cached per (algorithm, size) within the process unless withFreshKey() is given: RSA
 * generation is slow, and certificates that share a key are still distinct certificates.
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first
import { createHash, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { nodeSigner } from '../../src/connectors/crypto/node-signer.js';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import type { GeneralNameInput } from '../../src/pki/x509/extensions/subject-alt-name.js';
import { issuerIdentity } from '../../src/pki/x509/generate/issuer-identity.js';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto);

export type KeyChoice =
  | { algorithm: 'RSA'; size: 1024 | 2048 | 3072 | 4096 }
  | { algorithm: 'ECDSA'; size: 256 | 384 | 521 }
  | { algorithm: 'Ed25519' }
  | { algorithm: 'Ed448' };

export type SignatureHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export type ExtendedKeyUsageName = keyof typeof x509.ExtendedKeyUsage;

export type KeyUsageName = keyof typeof x509.KeyUsageFlags;

export interface BuiltCertificate {
  der: Uint8Array;
  pem: string;
  /** SHA-256 of the DER, lower-case hex without colons. */
  fingerprintSha256: string;
  /** The private key as PKCS#8 PEM. */
  privateKeyPem: string;
  x509: x509.X509Certificate;
  keys: CryptoKeyPair;
  /** SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex. */
  publicKeySha256: string;
}

interface CertificateSpec {
  subject: string | x509.JsonName | x509.Name;
  dnsNames: string[] | undefined;
  ipAddresses: string[];
  uris: string[];
  emails: string[];
  key: KeyChoice;
  freshKey: boolean;
  issuer: BuiltCertificate | undefined;
  ca: { pathLength?: number } | undefined;
  notBefore: Date | undefined;
  notAfter: Date | undefined;
  validDays: number;
  signatureHash: SignatureHash;
  serial: string | undefined;
  keyUsages: KeyUsageName[];
  extendedKeyUsages: ExtendedKeyUsageName[];
  extensions: boolean;
  extraExtensions: x509.Extension[];
}

export type CertificateOption = (spec: CertificateSpec) => void;

const DAY_MS = 86_400_000;

/**
 * Subject as an RFC 4514 string ('CN=a, O=b', '+' for multi-valued RDNs), @peculiar/x509's JSON form, or an
 * x509.Name (built from DER for names the string form cannot express: BMPString, TeletexString, ...).
 */
export const withSubject =
  (subject: string | x509.JsonName | x509.Name): CertificateOption =>
  (s) => {
    s.subject = subject;
  };
export const withDnsNames =
  (...names: string[]): CertificateOption =>
  (s) => {
    s.dnsNames = names;
  };
export const withIpAddresses =
  (...ips: string[]): CertificateOption =>
  (s) => {
    s.ipAddresses = ips;
    s.dnsNames ??= [];
  };
export const withUris =
  (...uris: string[]): CertificateOption =>
  (s) => {
    s.uris = uris;
    s.dnsNames ??= [];
  };
export const withEmails =
  (...emails: string[]): CertificateOption =>
  (s) => {
    s.emails = emails;
    s.dnsNames ??= [];
  };

export function withKey(algorithm: 'RSA', size: 1024 | 2048 | 3072 | 4096): CertificateOption;
export function withKey(algorithm: 'ECDSA', size: 256 | 384 | 521): CertificateOption;
export function withKey(algorithm: 'Ed25519' | 'Ed448'): CertificateOption;
export function withKey(algorithm: KeyChoice['algorithm'], size?: number): CertificateOption {
  return (s) => {
    s.key = { algorithm, size } as KeyChoice;
  };
}
/** Generate a new key pair for this certificate instead of reusing the process-wide one. */
export const withFreshKey = (): CertificateOption => (s) => {
  s.freshKey = true;
};
export const issuedBy =
  (issuer: BuiltCertificate): CertificateOption =>
  (s) => {
    s.issuer = issuer;
  };
/** Self-signed (the default); undoes an earlier issuedBy(). */
export const selfSigned = (): CertificateOption => (s) => {
  s.issuer = undefined;
};
/** basicConstraints cA=true (critical), keyCertSign+cRLSign unless withKeyUsages() says otherwise. */
export const asCA =
  (options: { pathLength?: number } = {}): CertificateOption =>
  (s) => {
    s.ca = options;
  };
export const validFrom =
  (date: Date): CertificateOption =>
  (s) => {
    s.notBefore = date;
  };
/** notAfter = (from ?? now) + days; a negative number gives an expired certificate. */
export const expiringIn =
  (days: number, options: { from?: Date } = {}): CertificateOption =>
  (s) => {
    s.notAfter = new Date((options.from ?? new Date()).getTime() + days * DAY_MS);
  };
/** Validity length in days from notBefore (default 90). */
export const validFor =
  (days: number): CertificateOption =>
  (s) => {
    s.validDays = days;
  };
export const withSignatureHash =
  (hash: SignatureHash): CertificateOption =>
  (s) => {
    s.signatureHash = hash;
  };
/** Serial number as hex (a leading byte >= 0x80 gets a 0x00 pad, as DER requires). */
export const withSerial =
  (hex: string): CertificateOption =>
  (s) => {
    s.serial = hex;
  };
export const withKeyUsages =
  (...usages: KeyUsageName[]): CertificateOption =>
  (s) => {
    s.keyUsages = usages;
  };
export const withExtendedKeyUsages =
  (...usages: ExtendedKeyUsageName[]): CertificateOption =>
  (s) => {
    s.extendedKeyUsages = usages;
  };
/** Extensions added after the built-in ones, as given (e.g. nameConstraints as a raw x509.Extension). */
export const withExtensions =
  (...extensions: x509.Extension[]): CertificateOption =>
  (s) => {
    s.extraExtensions.push(...extensions);
  };
/** No extensions at all (no SAN, SKI, AKI, basicConstraints): the certificate is still v3. */
export const withoutExtensions = (): CertificateOption => (s) => {
  s.extensions = false;
};

const keyCache = new Map<string, Promise<CryptoKeyPair>>();

function keyCacheId(key: KeyChoice): string {
  return 'size' in key ? `${key.algorithm}-${key.size}` : key.algorithm;
}

async function generateKeys(key: KeyChoice): Promise<CryptoKeyPair> {
  const usages: webcrypto.KeyUsage[] = ['sign', 'verify'];
  switch (key.algorithm) {
    case 'RSA':
      return webcrypto.subtle.generateKey(
        {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: key.size,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        true,
        usages,
      ) as Promise<CryptoKeyPair>;
    case 'ECDSA':
      return webcrypto.subtle.generateKey(
        { name: 'ECDSA', namedCurve: `P-${key.size}` },
        true,
        usages,
      ) as Promise<CryptoKeyPair>;
    case 'Ed25519':
    case 'Ed448':
      return webcrypto.subtle.generateKey({ name: key.algorithm }, true, usages) as Promise<CryptoKeyPair>;
  }
}

function keysFor(key: KeyChoice, fresh: boolean): Promise<CryptoKeyPair> {
  if (fresh) return generateKeys(key);
  const id = keyCacheId(key);
  let keys = keyCache.get(id);
  if (!keys) {
    keys = generateKeys(key);
    keyCache.set(id, keys);
  }
  return keys;
}

/**
 * A subject as the tests write it. Text is RFC 4514 (`CN=api.example, O=Example`: the most specific RDN first, as
 * Custos prints names and `custos ca init --subject` reads them), so it is encoded last RDN first; a JsonName or a
 * Name is taken in encoded order.
 */
function subjectName(subject: CertificateSpec['subject']): x509.Name {
  if (subject instanceof x509.Name) return subject;
  if (typeof subject !== 'string') return new x509.Name(subject);
  return new x509.Name(new x509.Name(subject).toJSON().reverse());
}

function defaultDnsNames(spec: CertificateSpec): string[] {
  if (spec.ca) return [];
  const name = subjectName(spec.subject).toJSON();
  const cn = name.flatMap((rdn) => rdn['CN'] ?? []).pop();
  return cn && /^[a-z0-9*][a-z0-9.*-]*$/i.test(cn) ? [cn] : [];
}

function subjectAltNames(spec: CertificateSpec): GeneralNameInput[] {
  return [
    ...(spec.dnsNames ?? defaultDnsNames(spec)).map((dns) => ({ dns })),
    ...spec.ipAddresses.map((ip) => ({ ip })),
    ...spec.uris.map((uri) => ({ uri })),
    ...spec.emails.map((email) => ({ email })),
  ];
}

function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Builds one certificate; see the module comment for the options and defaults. */
export async function aCertificate(...options: CertificateOption[]): Promise<BuiltCertificate> {
  const spec: CertificateSpec = {
    subject: 'CN=test.example',
    dnsNames: undefined,
    ipAddresses: [],
    uris: [],
    emails: [],
    key: { algorithm: 'ECDSA', size: 256 },
    freshKey: false,
    issuer: undefined,
    ca: undefined,
    notBefore: undefined,
    notAfter: undefined,
    validDays: 90,
    signatureHash: 'SHA-256',
    serial: undefined,
    keyUsages: [],
    extendedKeyUsages: [],
    extensions: true,
    extraExtensions: [],
  };
  for (const option of options) option(spec);

  const keys = await keysFor(spec.key, spec.freshKey);
  const notBefore =
    spec.notBefore ??
    (spec.notAfter
      ? new Date(spec.notAfter.getTime() - spec.validDays * DAY_MS)
      : new Date(Date.now() - DAY_MS));
  const notAfter = spec.notAfter ?? new Date(notBefore.getTime() + spec.validDays * DAY_MS);
  const subject = subjectName(spec.subject);
  const issuer = spec.issuer && issuerIdentity(spec.issuer.der);
  const signer = nodeSigner(KeyObject.from((spec.issuer?.keys ?? keys).privateKey), {
    hash: spec.signatureHash,
  });
  const publicKeySpki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const extensions = spec.extensions;
  const der = await generateCertificate(
    {
      serialNumber: spec.serial ? Buffer.from(spec.serial, 'hex') : randomBytes(16),
      subject: new Uint8Array(subject.toArrayBuffer()),
      issuer: issuer?.subject,
      notBefore,
      notAfter,
      publicKeySpki,
      ca: extensions ? spec.ca : undefined,
      keyUsage: extensions && spec.keyUsages.length > 0 ? spec.keyUsages : undefined,
      extendedKeyUsage: extensions ? spec.extendedKeyUsages.map((u) => x509.ExtendedKeyUsage[u]) : undefined,
      subjectAltNames: extensions ? subjectAltNames(spec) : undefined,
      subjectKeyIdentifier: extensions ? undefined : false,
      authorityKeyIdentifier: (extensions && issuer?.subjectKeyIdentifier) || false,
      extensions: extensions
        ? spec.extraExtensions.map((e) => ({
            oid: e.type,
            critical: e.critical,
            value: new Uint8Array(e.value),
          }))
        : undefined,
    },
    signer,
  );
  const certificate = new x509.X509Certificate(der);
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    der,
    pem: toPem('CERTIFICATE', der),
    fingerprintSha256: sha256Hex(der),
    privateKeyPem: toPem('PRIVATE KEY', pkcs8),
    x509: certificate,
    keys,
    publicKeySha256: sha256Hex(new Uint8Array(certificate.publicKey.rawData)),
  };
}

/** A root CA -> intermediate CA (pathLength 0) -> leaf chain; `leafOptions` apply to the leaf. */
export async function aChain(...leafOptions: CertificateOption[]): Promise<{
  root: BuiltCertificate;
  intermediate: BuiltCertificate;
  leaf: BuiltCertificate;
}> {
  const root = await aCertificate(withSubject('CN=Test Root CA, O=Custos Test'), asCA(), validFor(3650));
  const intermediate = await aCertificate(
    withSubject('CN=Test Intermediate CA, O=Custos Test'),
    asCA({ pathLength: 0 }),
    validFor(1825),
    withFreshKey(),
    issuedBy(root),
  );
  const leaf = await aCertificate(withFreshKey(), issuedBy(intermediate), ...leafOptions);
  return { root, intermediate, leaf };
}
