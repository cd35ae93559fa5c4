import { createPublicKey } from 'node:crypto';
import type { KeyType } from '../../core/ports/key-manager.js';
import { generatePrivateKey } from './software-key-backend.js';
import { generateCsr } from '../../pki/x509/generate/csr.js';
import { nodeSigner } from '../crypto/node-signer.js';

/** A key pair made for a caller (`cert issue --generate-key`): its public key, and its private key as PKCS#8 PEM. */
export interface LeafKeyPair {
  publicKeySpki: Uint8Array;
  /** Handed to the caller once (key.pem, 0600); never stored, logged or audited. */
  privateKeyPem: string;
  /** A CSR with an empty subject signed by the private key: proof of possession for a CA elsewhere (`--server`). */
  requestDer(): Promise<Uint8Array>;
}

export async function generateLeafKeyPair(type: KeyType): Promise<LeafKeyPair> {
  const privateKey = await generatePrivateKey(type);
  return {
    publicKeySpki: new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    requestDer: () => generateCsr({}, nodeSigner(privateKey)),
  };
}
