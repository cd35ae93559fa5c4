/**
 * The crypto provider the generators sign with, passed in by the caller (never a global): a software key
 * (`src/connectors/crypto/node-signer.ts`) or, later, a PKCS#11 token. pki holds no key material and no key
 * policy; a generator only asks the signer for its algorithm, its public key and a signature.
 * What each algorithm is (OID, digest, parameters) comes from the one registry, src/pki/asn1/algorithms.ts.
 */
import { signatureAlgorithmNamed, type SignatureAlgorithm as AlgorithmInfo } from '../../asn1/algorithms.js';
import { TAG } from '../../asn1/reader.js';
import { objectIdentifier, tlv } from './der-writer.js';

/** The signature algorithms a signer can produce, by the registry's names (RFC 5758, 8017, 8410). */
export const SIGNATURE_ALGORITHMS = [
  'ecdsa-with-SHA1',
  'ecdsa-with-SHA256',
  'ecdsa-with-SHA384',
  'ecdsa-with-SHA512',
  'sha1WithRSAEncryption',
  'sha256WithRSAEncryption',
  'sha384WithRSAEncryption',
  'sha512WithRSAEncryption',
  'Ed25519',
  'Ed448',
] as const;

export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

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

const NULL = new Uint8Array([TAG.NULL, 0x00]);

interface Writable {
  info: AlgorithmInfo;
  /** The DER AlgorithmIdentifier, encoded once. */
  identifier: Uint8Array;
}

const WRITABLE = new Map<SignatureAlgorithm, Writable>(
  SIGNATURE_ALGORITHMS.map((name) => {
    const info = signatureAlgorithmNamed(name);
    if (!info) throw new Error(`signature algorithm ${name} is missing from src/pki/asn1/algorithms.ts`);
    const oid = objectIdentifier(info.oid);
    return [
      name,
      { info, identifier: info.nullParameters ? tlv(TAG.SEQUENCE, oid, NULL) : tlv(TAG.SEQUENCE, oid) },
    ];
  }),
);
const WRITABLE_BY_OID = new Map([...WRITABLE.values()].map((entry) => [entry.info.oid, entry.info]));

/** The DER AlgorithmIdentifier of a signature algorithm (a shared buffer: do not modify it). */
export function signatureAlgorithmIdentifier(name: SignatureAlgorithm): Uint8Array {
  return WRITABLE.get(name)!.identifier;
}

export function signatureAlgorithmOid(name: SignatureAlgorithm): string {
  return WRITABLE.get(name)!.info.oid;
}

/**
 * node:crypto's digest argument for signing or verifying with this signature algorithm OID: a digest name, null for
 * EdDSA, undefined for an algorithm a signer cannot produce (RSA-PSS, DSA, MD5 with RSA, ...).
 */
export function nodeDigest(oid: string): string | null | undefined {
  return WRITABLE_BY_OID.get(oid)?.nodeDigest;
}
