/**
 * The crypto provider the generators sign with, passed in by the caller (never a global): a software key
 * (`src/connectors/crypto/node-signer.ts`) or, later, a PKCS#11 token. pki holds no key material and no key
 * policy; a generator only asks the signer for its algorithm, its public key and a signature.
 */

/** The signature algorithms a signer can produce, named as the generators write them (RFC 5758, 8017, 8410). */
export type SignatureAlgorithm =
  | 'ecdsa-with-SHA1'
  | 'ecdsa-with-SHA256'
  | 'ecdsa-with-SHA384'
  | 'ecdsa-with-SHA512'
  | 'sha1WithRSAEncryption'
  | 'sha256WithRSAEncryption'
  | 'sha384WithRSAEncryption'
  | 'sha512WithRSAEncryption'
  | 'Ed25519'
  | 'Ed448';

export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  /** The signer's public key as a DER SubjectPublicKeyInfo. */
  readonly publicKeySpki: Uint8Array;
  /**
   * The signature over `data` as it goes into a BIT STRING: a DER Ecdsa-Sig-Value for ECDSA, the raw
   * signature for RSA PKCS#1 v1.5 and EdDSA.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

interface AlgorithmEntry {
  oid: string;
  /** node:crypto's digest name for sign/verify; null for EdDSA, which hashes inside. */
  digest: string | null;
  /** The DER AlgorithmIdentifier: RSA carries NULL parameters (RFC 8017 A.2.4), ECDSA and EdDSA none. */
  identifier: Uint8Array;
}

function algorithm(
  oidBytes: number[],
  nullParameters: boolean,
  oid: string,
  digest: string | null,
): AlgorithmEntry {
  const content = [0x06, oidBytes.length, ...oidBytes, ...(nullParameters ? [0x05, 0x00] : [])];
  return { oid, digest, identifier: new Uint8Array([0x30, content.length, ...content]) };
}

const RSA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
const ECDSA_SHA2 = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03];

const ALGORITHMS: Record<SignatureAlgorithm, AlgorithmEntry> = {
  'ecdsa-with-SHA1': algorithm(
    [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01],
    false,
    '1.2.840.10045.4.1',
    'sha1',
  ),
  'ecdsa-with-SHA256': algorithm([...ECDSA_SHA2, 0x02], false, '1.2.840.10045.4.3.2', 'sha256'),
  'ecdsa-with-SHA384': algorithm([...ECDSA_SHA2, 0x03], false, '1.2.840.10045.4.3.3', 'sha384'),
  'ecdsa-with-SHA512': algorithm([...ECDSA_SHA2, 0x04], false, '1.2.840.10045.4.3.4', 'sha512'),
  sha1WithRSAEncryption: algorithm([...RSA, 0x05], true, '1.2.840.113549.1.1.5', 'sha1'),
  sha256WithRSAEncryption: algorithm([...RSA, 0x0b], true, '1.2.840.113549.1.1.11', 'sha256'),
  sha384WithRSAEncryption: algorithm([...RSA, 0x0c], true, '1.2.840.113549.1.1.12', 'sha384'),
  sha512WithRSAEncryption: algorithm([...RSA, 0x0d], true, '1.2.840.113549.1.1.13', 'sha512'),
  Ed25519: algorithm([0x2b, 0x65, 0x70], false, '1.3.101.112', null),
  Ed448: algorithm([0x2b, 0x65, 0x71], false, '1.3.101.113', null),
};

/** The DER AlgorithmIdentifier of a signature algorithm (a shared buffer: do not modify it). */
export function signatureAlgorithmIdentifier(name: SignatureAlgorithm): Uint8Array {
  return ALGORITHMS[name].identifier;
}

export function signatureAlgorithmOid(name: SignatureAlgorithm): string {
  return ALGORITHMS[name].oid;
}

const BY_OID = new Map(Object.values(ALGORITHMS).map((entry) => [entry.oid, entry]));

/**
 * node:crypto's digest argument for signing or verifying with this signature algorithm OID: a digest name, null for
 * EdDSA, undefined for an algorithm the generators do not know (RSA-PSS, DSA, ...).
 */
export function nodeDigest(oid: string): string | null | undefined {
  return BY_OID.get(oid)?.digest;
}
