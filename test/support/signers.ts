/**
 * Software signers for tests of the generators: a node:crypto key of each kind, generated once per process
 * per kind (RSA generation is slow), behind the production Signer (src/connectors/crypto/node-signer.ts).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { nodeSigner, type SignatureHash } from '../../src/connectors/crypto/node-signer.js';
import type { Signer } from '../../src/pki/x509/generate/signer.js';

export type KeyKind = 'P-256' | 'P-384' | 'P-521' | 'RSA-2048' | 'Ed25519' | 'Ed448';

const keys = new Map<string, KeyObject>();

function keyFor(kind: KeyKind, slot: string): KeyObject {
  const id = `${kind}/${slot}`;
  let key = keys.get(id);
  if (!key) {
    if (kind === 'RSA-2048') key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    else if (kind === 'Ed25519') key = generateKeyPairSync('ed25519').privateKey;
    else if (kind === 'Ed448') key = generateKeyPairSync('ed448').privateKey;
    else key = generateKeyPairSync('ec', { namedCurve: kind }).privateKey;
    keys.set(id, key);
  }
  return key;
}

/**
 * A signer with a key of `kind`; the same `slot` gives the same key within the process (use distinct slots
 * for a CA and its leaf).
 */
export function aSigner(kind: KeyKind = 'P-256', slot = 'default', hash?: SignatureHash): Signer {
  return nodeSigner(keyFor(kind, slot), hash ? { hash } : {});
}

/** The private key behind aSigner(kind, slot), as PKCS#8 PEM (for openssl). */
export function privateKeyPem(kind: KeyKind, slot = 'default'): string {
  return keyFor(kind, slot).export({ type: 'pkcs8', format: 'pem' }) as string;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
