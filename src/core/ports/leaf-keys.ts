import type { KEY_ALGORITHMS } from '../declarative/kinds/managed-certificate.js';

export type LeafKeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export interface LeafKeyPair {
  /** PKCS#8 PEM: sealed before it is stored, written in clear only to a destination. */
  privateKeyPem: string;
  /** The DER SubjectPublicKeyInfo. */
  publicKeySpki: Uint8Array;
}

/** Makes the key pairs of managed certificates (the subject's keys, not a CA's: those stay in the KeyManager). */
export interface LeafKeyGenerator {
  /** A new key pair; `size` null: the algorithm's default (ECDSA P-256, RSA 2048). */
  generate(algorithm: LeafKeyAlgorithm, size: number | null): Promise<LeafKeyPair>;
  /** The SubjectPublicKeyInfo of a PKCS#8 PEM private key (to reuse a key with rotationPolicy Never). */
  publicKeyOf(privateKeyPem: string): Uint8Array;
}
