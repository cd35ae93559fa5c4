/**
 * The subject key is not the CA's own key (the issuing CA's or any CA above it): a leaf holding the CA's key could
 * sign as the CA. Compared as keys, not bytes: the RSA modulus (whatever the exponent), the EC point on its curve
 * (compressed or not: its x coordinate and the parity of y, SEC 1 §2.3.3), the Ed25519 public key. Boulder's
 * goodkey refuses the same. Pure byte work: no key is loaded, so the check costs microseconds per request.
 */
import { readPathCertificateCached } from '../../../pki/path/path-certificate.js';
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

export const notTheCaKey: IssuanceCheck = (request, context) => {
  const subject = keyIdentity(request.publicKeySpki);
  if (subject === null) return undefined;
  if (remembered(context.caCertificate.spki, keyIdentity) === subject) return OWN_KEY;
  for (const der of context.authority.chain)
    if (remembered(der, chainKeyIdentity) === subject) return OWN_KEY;
  return undefined;
};

const OWN_KEY = { code: 'CUSTOS_KEY_WEAK', message: "the key is the CA's own key" } as const;

/**
 * A CA key's identity, remembered per byte array (a cached CA hands the same arrays to every request): reading the
 * chain and hex-encoding its keys cost ~16 µs a request (bench/issue), now under one.
 */
const caKeys = new WeakMap<Uint8Array, string | null>();

function remembered(bytes: Uint8Array, identity: (bytes: Uint8Array) => string | null): string | null {
  let known = caKeys.get(bytes);
  if (known === undefined) {
    known = identity(bytes);
    caKeys.set(bytes, known);
  }
  return known;
}

function chainKeyIdentity(der: Uint8Array): string | null {
  try {
    return keyIdentity(readPathCertificateCached(der).spki);
  } catch {
    // a chain certificate the CA stored is its own business; the issuing certificate is what it signs with
    return null;
  }
}

/** What makes two public keys the same key, or null when the SPKI cannot be read. */
export function keyIdentity(spki: Uint8Array): string | null {
  const read = subjectKey(spki);
  if (!read.ok) return null;
  const key = read.key;
  if (key.modulus !== null) return `RSA ${key.modulus.toString(16)}`;
  const bytes = Buffer.from(key.keyBytes.buffer, key.keyBytes.byteOffset, key.keyBytes.byteLength);
  if (key.algorithm === 'ECDSA' && bytes.length > 1) {
    const form = bytes[0];
    if (form === 0x04 && bytes.length % 2 === 1) {
      const size = (bytes.length - 1) / 2;
      const x = bytes.subarray(1, 1 + size).toString('hex');
      return `EC ${key.curve} ${x} ${bytes[bytes.length - 1]! & 1}`;
    }
    if (form === 0x02 || form === 0x03)
      return `EC ${key.curve} ${bytes.subarray(1).toString('hex')} ${form & 1}`;
  }
  return `${key.algorithm} ${key.oid} ${bytes.toString('hex')}`;
}
