/**
 * The software-key Signer (src/pki/x509/generate/signer.ts) over a node:crypto private KeyObject. Key policy
 * (which key types a CA may hold, where keys live) stays with the caller; this only signs.
 *
 * Signing is synchronous `crypto.sign`: one P-256 signature takes ~30 µs, less than handing it to the thread
 * pool would cost, and the issuance hot path signs once per certificate.
 */
import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { DomainError } from '../../core/errors.js';
import {
  signatureAlgorithmOid,
  nodeDigest,
  type SignatureAlgorithm,
  type Signer,
} from '../../pki/x509/generate/signer.js';

export type SignatureHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const DEFAULT_EC_HASH: Record<string, SignatureHash> = {
  prime256v1: 'SHA-256',
  secp384r1: 'SHA-384',
  secp521r1: 'SHA-512',
};

function algorithmOf(key: KeyObject, hash: SignatureHash | undefined): SignatureAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const chosen = hash ?? DEFAULT_EC_HASH[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? 'SHA-256';
      return `ecdsa-with-${chosen.replace('-', '')}` as SignatureAlgorithm;
    }
    case 'rsa':
      return `${(hash ?? 'SHA-256').replace('-', '').toLowerCase()}WithRSAEncryption` as SignatureAlgorithm;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      throw new DomainError(
        'CUSTOS_INVALID_ARGUMENT',
        `cannot sign with a ${key.asymmetricKeyType ?? 'unknown'} key (RSA, ECDSA, Ed25519 and Ed448 can)`,
      );
  }
}

/**
 * A Signer for `privateKey`. `hash` defaults to SHA-256 for RSA and to the curve's size for ECDSA (P-256:
 * SHA-256, P-384: SHA-384, P-521: SHA-512); EdDSA takes none.
 */
export function nodeSigner(privateKey: KeyObject, options: { hash?: SignatureHash } = {}): Signer {
  if (privateKey.type !== 'private')
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', 'cannot sign with a public key');
  const algorithm = algorithmOf(privateKey, options.hash);
  const digest = nodeDigest(signatureAlgorithmOid(algorithm)) ?? null;
  const publicKeySpki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  return {
    algorithm,
    publicKeySpki,
    sign: (data) => Promise.resolve(new Uint8Array(sign(digest, data, privateKey))),
  };
}
