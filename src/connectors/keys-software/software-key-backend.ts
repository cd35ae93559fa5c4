/**
 * The software KeyBackend: keys made with node:crypto and kept sealed (sealed-key.ts) in the key reference the
 * store holds beside the CA; opened in memory only to sign, never written or returned in clear.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyBackend, KeyReference, KeyType } from '../../core/ports/key-manager.js';
import type { Signer } from '../../pki/x509/generate/signer.js';
import { nodeSigner } from '../crypto/node-signer.js';
import { openKey, sealKey } from './sealed-key.js';

type SoftwareReference = Extract<KeyReference, { backend: 'software' }>;

const generate = promisify(generateKeyPair);

/** A new private key of a type, made with node:crypto (RSA with the exponent 65537). */
export async function generatePrivateKey(type: KeyType): Promise<KeyObject> {
  switch (type) {
    case 'ec-p256':
      return (await generate('ec', { namedCurve: 'P-256' })).privateKey;
    case 'ec-p384':
      return (await generate('ec', { namedCurve: 'P-384' })).privateKey;
    case 'ed25519':
      return (await generate('ed25519', {})).privateKey;
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return (await generate('rsa', { modulusLength: Number(type.slice(4)), publicExponent: 0x10001 }))
        .privateKey;
  }
}

export interface SoftwareKeyBackendOptions {
  /** The 32-byte key-encryption key, loaded on first use (so a run that signs nothing never creates it). */
  loadKek(): Promise<Buffer>;
}

export function softwareKeyBackend(options: SoftwareKeyBackendOptions): KeyBackend<SoftwareReference> {
  let kek: Promise<Buffer> | undefined;
  const keyEncryptionKey = () =>
    (kek ??= options.loadKek().catch((error: unknown) => {
      kek = undefined;
      throw error;
    }));
  // Opened keys by sealed text: a CA signing thousands of certificates opens its key once per process.
  const signers = new Map<string, Signer>();
  return {
    backend: 'software',
    async generate(type, _where, label) {
      const privateKey = await generatePrivateKey(type);
      const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
      const sealed = sealKey(await keyEncryptionKey(), label, pkcs8);
      pkcs8.fill(0);
      return {
        reference: { backend: 'software', sealed },
        publicKeySpki: new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })),
      };
    },
    async signer(reference) {
      const known = signers.get(reference.sealed);
      if (known !== undefined) return known;
      const pkcs8 = openKey(await keyEncryptionKey(), reference.sealed);
      const signer = nodeSigner(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
      pkcs8.fill(0);
      if (signers.size >= 64) signers.clear();
      signers.set(reference.sealed, signer);
      return signer;
    },
  };
}
