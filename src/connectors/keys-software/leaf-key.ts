import { createPublicKey } from 'node:crypto';
import type { KeyType } from '../../core/ports/key-manager.js';
import { generatePrivateKey } from './software-key-backend.js';

/** A key pair made for a caller (`cert issue --generate-key`): its public key, and its private key as PKCS#8 PEM. */
export interface LeafKeyPair {
  publicKeySpki: Uint8Array;
  /** Handed to the caller once (key.pem, 0600); never stored, logged or audited. */
  privateKeyPem: string;
}

export async function generateLeafKeyPair(type: KeyType): Promise<LeafKeyPair> {
  const privateKey = await generatePrivateKey(type);
  return {
    publicKeySpki: new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
