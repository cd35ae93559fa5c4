import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { LeafKeyGenerator, LeafKeyPair } from '../../core/ports/leaf-keys.js';

const generate = promisify(generateKeyPair);

const CURVES: Record<number, string> = { 256: 'P-256', 384: 'P-384' };

function pair(privateKey: KeyObject): LeafKeyPair {
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeySpki: new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })),
  };
}

/** Key pairs from node:crypto, generated off the event loop (RSA takes a while). */
export const nodeLeafKeyGenerator: LeafKeyGenerator = {
  async generate(algorithm, size) {
    switch (algorithm) {
      case 'ECDSA':
        return pair((await generate('ec', { namedCurve: CURVES[size ?? 256] ?? 'P-256' })).privateKey);
      case 'RSA':
        return pair((await generate('rsa', { modulusLength: size ?? 2048 })).privateKey);
      case 'Ed25519':
        return pair((await generate('ed25519', {})).privateKey);
    }
  },
  publicKeyOf(privateKeyPem) {
    return new Uint8Array(createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' }));
  },
};
