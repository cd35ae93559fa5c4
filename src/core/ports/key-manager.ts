import type { Signer } from '../../pki/x509/generate/signer.js';

/** The key types a CA (and `cert issue --generate-key`) can hold, named as `custos ca init --key-type` takes them. */
export const KEY_TYPES = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/**
 * Where a CA's private key lives, as stored beside the CA: never the key in clear.
 * - `software`: the PKCS#8 DER sealed with AES-256-GCM under the key-encryption key (`CUSTOS_KEK` or the 0600
 *   `kek` file in the data directory), as a versioned text;
 * - `pkcs11`: an object on a token, found by its slot and CKA_ID (hex); the PIN comes from the environment.
 */
export type KeyReference =
  | { backend: 'software'; sealed: string }
  | { backend: 'pkcs11'; module: string; slot: number; id: string; label: string };

/** Where `generate` makes a new key: software unless a PKCS#11 module is named (`--pkcs11-module`, `--pkcs11-slot`). */
export type KeyBackendChoice = { backend: 'software' } | { backend: 'pkcs11'; module: string; slot: number };

export interface GeneratedKey {
  reference: KeyReference;
  /** The new key's DER SubjectPublicKeyInfo. */
  publicKeySpki: Uint8Array;
}

/**
 * The one way core reaches a private key (built by the composition root): software keys and a PKCS#11 token are
 * interchangeable behind it. Key material never leaves it: not in errors, logs or return values.
 */
export interface KeyManager {
  /** A new key pair. CUSTOS_KEY_UNAVAILABLE when the backend cannot be reached (module missing, wrong PIN, slot). */
  generate(type: KeyType, where: KeyBackendChoice, label: string): Promise<GeneratedKey>;
  /**
   * A Signer over a stored key. CUSTOS_KEY_UNAVAILABLE when its backend cannot be reached; CUSTOS_KEY_INVALID when
   * the key-encryption key does not open a sealed key.
   */
  signer(reference: KeyReference): Promise<Signer>;
}

/** One backend of the KeyManager (software, pkcs11), chosen through an explicit registry in the composition root. */
export interface KeyBackend<R extends KeyReference = KeyReference> {
  readonly backend: R['backend'];
  generate(type: KeyType, where: KeyBackendChoice, label: string): Promise<GeneratedKey>;
  signer(reference: R): Promise<Signer>;
}
