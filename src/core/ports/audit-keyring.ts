import type { SecretCipher } from './secret-cipher.js';

/**
 * The keys that seal the audit trail, kept outside the database (a 0600 key file in the data directory, or
 * `CUSTOS_AUDIT_KEY` / `CUSTOS_AUDIT_KEY_FILE`): an HMAC-SHA-256 key that tags every record and the head, and an
 * Ed25519 key that signs checkpoints. Someone who can write the database but cannot read this key cannot forge a
 * record, a head or a checkpoint.
 */
export interface AuditKeyring {
  /** A short public name of the key: the first 16 hex digits of the SHA-256 of the public signing key (SPKI DER). */
  readonly keyId: string;
  /** The public half of the checkpoint signing key, SPKI PEM: what an auditor verifies checkpoints with. */
  readonly publicKeyPem: string;
  /** HMAC-SHA-256 of the message under the MAC key, hex. */
  mac(message: string): string;
  /** The Ed25519 signature of the message, base64. */
  sign(message: string): string;
  /** The key that seals secrets at rest (a third key derived from the same secret). */
  readonly secrets: SecretCipher;
}
