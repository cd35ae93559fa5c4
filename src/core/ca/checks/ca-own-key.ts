/**
 * The subject key is not the CA's own key (the issuing CA's or any CA above it): a leaf holding the CA's key could
 * sign as the CA. Compared as keys, not bytes: the RSA modulus (whatever the exponent), the EC point (compressed
 * or not), the Ed25519 public key. Boulder's goodkey refuses the same (`ErrBadKey` for the issuer's key).
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { readPathCertificateCached } from '../../../pki/path/path-certificate.js';
import type { IssuanceCheck } from './issuance-check.js';

export const notTheCaKey: IssuanceCheck = (request, context) => {
  const subject = keyIdentity(request.publicKeySpki);
  if (subject === null) return undefined;
  const caKeys = [context.caCertificate.spki];
  for (const der of context.authority.chain) {
    try {
      caKeys.push(readPathCertificateCached(der).spki);
    } catch {
      // a chain certificate the CA stored is its own business; the issuing certificate is what it signs with
    }
  }
  if (caKeys.some((spki) => keyIdentity(spki) === subject)) {
    return { code: 'CUSTOS_KEY_WEAK', message: "the key is the CA's own key" };
  }
  return undefined;
};

const identities = new WeakMap<Uint8Array, string | null>();

/** What makes two public keys the same key, or null when the SPKI does not load. */
export function keyIdentity(spki: Uint8Array): string | null {
  let identity = identities.get(spki);
  if (identity === undefined) {
    identity = compute(spki);
    identities.set(spki, identity);
  }
  return identity;
}

function compute(spki: Uint8Array): string | null {
  let jwk: JsonWebKey;
  try {
    jwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  } catch {
    return null;
  }
  if (jwk.kty === 'RSA') return `RSA ${jwk.n}`;
  return `${jwk.kty} ${jwk.crv} ${jwk.x} ${jwk.y ?? ''}`;
}
