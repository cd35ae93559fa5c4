/**
 * The one registry of the algorithm OIDs src/pki reads: signature algorithms (OpenSSL's names, as
 * `openssl x509 -text` prints them, except Ed25519/Ed448 which OpenSSL upper-cases; their digest; whether the
 * digest is weak; Node's digest name for `crypto.verify`), public key algorithms, named curves, and the digests
 * of PKCS#12 MACs and PBKDF2. What "weak" means is decided here and nowhere else.
 */

export type KeyAlgorithm = 'RSA' | 'ECDSA' | 'Ed25519' | 'Ed448' | 'unknown';

/** Digests as their standards name them. */
export type DigestName = 'MD2' | 'MD4' | 'MD5' | 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** MD2, MD4, MD5 and SHA-1: collisions are practical, so WebPKI clients refuse signatures over them. */
const WEAK_DIGESTS: ReadonlySet<DigestName> = new Set(['MD2', 'MD4', 'MD5', 'SHA-1']);

/** Node's name of each digest (`crypto.hash`, `crypto.verify`, `createHmac`). */
const NODE_DIGESTS: Record<DigestName, string> = {
  MD2: 'md2',
  MD4: 'md4',
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export interface SignatureAlgorithm {
  oid: string;
  /** OpenSSL's name ("sha256WithRSAEncryption", "ecdsa-with-SHA256", "Ed25519"), or the dotted OID. */
  name: string;
  /** The digest, null for algorithms with the hash built in (EdDSA), with parameters (RSA-PSS) or unknown. */
  hash: DigestName | null;
  /** Signed over a weak digest (MD2, MD4, MD5, SHA-1). */
  weak: boolean;
  /** An algorithm WebPKI clients accept at all (RSA PKCS#1 v1.5, RSA-PSS, ECDSA, EdDSA; not DSA). */
  webPki: boolean;
  /**
   * How node:crypto verifies it: `verify(nodeDigest, ...)` with this digest name, or null for EdDSA; undefined
   * when node:crypto cannot verify it from the OID alone (RSA-PSS with its parameters, unknown algorithms).
   */
  nodeDigest: string | null | undefined;
  /**
   * The AlgorithmIdentifier carries NULL parameters (RSA PKCS#1 v1.5, RFC 8017 A.2.4); ECDSA, EdDSA and DSA carry
   * none (RFC 5758 3.2, RFC 8410 3, RFC 3279 2.2.2); RSA-PSS carries its own (false here).
   */
  nullParameters: boolean;
}

type Family = 'rsa' | 'rsa-pss' | 'ecdsa' | 'eddsa' | 'dsa';

const SIGNATURES: ReadonlyArray<[oid: string, name: string, hash: DigestName | null, family: Family]> = [
  ['1.2.840.113549.1.1.2', 'md2WithRSAEncryption', 'MD2', 'rsa'],
  ['1.2.840.113549.1.1.3', 'md4WithRSAEncryption', 'MD4', 'rsa'],
  ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption', 'MD5', 'rsa'],
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption', 'SHA-1', 'rsa'],
  ['1.2.840.113549.1.1.14', 'sha224WithRSAEncryption', 'SHA-224', 'rsa'],
  ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption', 'SHA-256', 'rsa'],
  ['1.2.840.113549.1.1.12', 'sha384WithRSAEncryption', 'SHA-384', 'rsa'],
  ['1.2.840.113549.1.1.13', 'sha512WithRSAEncryption', 'SHA-512', 'rsa'],
  ['1.2.840.113549.1.1.10', 'rsassaPss', null, 'rsa-pss'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1', 'SHA-1', 'ecdsa'],
  ['1.2.840.10045.4.3.1', 'ecdsa-with-SHA224', 'SHA-224', 'ecdsa'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256', 'SHA-256', 'ecdsa'],
  ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384', 'SHA-384', 'ecdsa'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512', 'SHA-512', 'ecdsa'],
  ['1.3.101.112', 'Ed25519', null, 'eddsa'],
  ['1.3.101.113', 'Ed448', null, 'eddsa'],
  ['1.2.840.10040.4.3', 'dsaWithSHA1', 'SHA-1', 'dsa'],
  ['2.16.840.1.101.3.4.3.1', 'dsa_with_SHA224', 'SHA-224', 'dsa'],
  ['2.16.840.1.101.3.4.3.2', 'dsa_with_SHA256', 'SHA-256', 'dsa'],
];

function signatureEntry(
  oid: string,
  name: string,
  hash: DigestName | null,
  family: Family,
): SignatureAlgorithm {
  const nodeDigest =
    family === 'eddsa' ? null : family === 'rsa' || family === 'ecdsa' ? NODE_DIGESTS[hash!] : undefined;
  return {
    oid,
    name,
    hash,
    weak: hash !== null && WEAK_DIGESTS.has(hash),
    webPki: family !== 'dsa',
    nodeDigest,
    nullParameters: family === 'rsa',
  };
}

const BY_OID = new Map(SIGNATURES.map(([oid, ...rest]) => [oid, signatureEntry(oid, ...rest)] as const));
const BY_NAME = new Map([...BY_OID.values()].map((a) => [a.name, a] as const));

/** The signature algorithm of an OID; an unknown one is named by its OID, neither weak nor accepted. */
export function signatureAlgorithmOf(oid: string): SignatureAlgorithm {
  return (
    BY_OID.get(oid) ?? {
      oid,
      name: oid,
      hash: null,
      weak: false,
      webPki: false,
      nodeDigest: undefined,
      nullParameters: false,
    }
  );
}

/** The signature algorithm a stored certificate names (`signatureAlgorithmOf(oid).name`), if it is a known one. */
export function signatureAlgorithmNamed(name: string): SignatureAlgorithm | undefined {
  return BY_NAME.get(name);
}

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

const KEY_ALGORITHMS = new Map<string, KeyAlgorithm>([
  [OID_RSA_ENCRYPTION, 'RSA'],
  [OID_RSASSA_PSS, 'RSA'],
  [OID_EC_PUBLIC_KEY, 'ECDSA'],
  ['1.3.101.112', 'Ed25519'],
  ['1.3.101.113', 'Ed448'],
]);

export function keyAlgorithmOf(oid: string): KeyAlgorithm {
  return KEY_ALGORITHMS.get(oid) ?? 'unknown';
}

/** Named curves: their size in bits and the name the inventory shows (the NIST name, else the OID). */
const CURVES = new Map<string, { name: string; size: number }>([
  ['1.2.840.10045.3.1.7', { name: 'P-256', size: 256 }],
  ['1.3.132.0.34', { name: 'P-384', size: 384 }],
  ['1.3.132.0.35', { name: 'P-521', size: 521 }],
  ['1.2.840.10045.3.1.1', { name: '1.2.840.10045.3.1.1', size: 192 }],
  ['1.3.132.0.33', { name: '1.3.132.0.33', size: 224 }],
  ['1.3.132.0.10', { name: '1.3.132.0.10', size: 256 }],
  ...[160, 192, 224, 256, 320, 384, 512].flatMap((size, i) =>
    [1 + 2 * i, 2 + 2 * i].map((arc) => {
      const oid = `1.3.36.3.3.2.8.1.1.${arc}`; // brainpoolP<size>r1 (odd arcs) and t1 (even arcs)
      return [oid, { name: oid, size }] as const;
    }),
  ),
]);

export function namedCurve(oid: string): { name: string; size: number } {
  return CURVES.get(oid) ?? { name: oid, size: 0 };
}

/** The SHA digests by Node's name. */
export type ShaDigest = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Digest algorithm OIDs (PKCS#12 MacData) to Node's digest name. */
export const DIGEST_OIDS: Readonly<Record<string, ShaDigest>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** HMAC algorithm OIDs (PBKDF2 pseudo-random functions) to Node's digest name. */
export const HMAC_OIDS: Readonly<Record<string, ShaDigest>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
