import { createHash, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import type { AuditKeyring } from '../ports/audit-keyring.js';
import { canonicalJson } from './canonical-json.js';

/*
 * The seal over the public hash chain. The chain hash stays a plain SHA-256 link anyone can recompute (so an export
 * verifies offline); the MAC is an extra tag per record, and one over the head, that only the key's holder can
 * compute; a checkpoint is an Ed25519 signature over a head that leaves the database. The messages are
 * domain-separated so that no record MAC can be passed off as a head MAC.
 */

/** What a record's MAC covers: its place and its hash (which covers its contents and its predecessor's hash). */
export const recordMacMessage = (seq: number, hash: string) => `custos-audit-record/v1:${seq}:${hash}`;

/** What the head's MAC covers. */
export const headMacMessage = (seq: number, hash: string) => `custos-audit-head/v1:${seq}:${hash}`;

/** Whether `mac` (hex, from the database) is the keyring's MAC of the message; compared in constant time. */
export function macMatches(keyring: AuditKeyring, message: string, mac: string | null): boolean {
  if (mac === null || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(keyring.mac(message), 'hex'), Buffer.from(mac, 'hex'));
}

/** A signed statement that the chain had record `seq` with this `hash` at time `at` (ISO 8601). */
export interface AuditCheckpoint {
  checkpoint: { seq: number; hash: string; at: string };
  keyId: string;
  /** Ed25519 over checkpointMessage(checkpoint), base64. */
  signature: string;
  /** SPKI PEM of the signing key (an auditor pins it; see `custos audit public-key`). */
  publicKey: string;
}

export function checkpointMessage(statement: AuditCheckpoint['checkpoint']): string {
  return canonicalJson({ type: 'custos-audit-checkpoint/v1', ...statement });
}

export function signCheckpoint(
  keyring: AuditKeyring,
  head: { seq: number; hash: string },
  at: Date,
): AuditCheckpoint {
  const checkpoint = { seq: head.seq, hash: head.hash, at: at.toISOString() };
  return {
    checkpoint,
    keyId: keyring.keyId,
    signature: keyring.sign(checkpointMessage(checkpoint)),
    publicKey: keyring.publicKeyPem,
  };
}

/** The key id of an SPKI PEM public key (as AuditKeyring.keyId). */
export function publicKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/**
 * Checks a checkpoint's signature under `publicKeyPem` (the pinned key; the checkpoint's own key when none is
 * pinned). Returns why it does not hold, or null.
 */
export function checkpointSignatureProblem(checkpoint: AuditCheckpoint, publicKeyPem: string): string | null {
  let key;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    return 'its public key is not a PEM public key';
  }
  if (key.asymmetricKeyType !== 'ed25519') return 'its public key is not an Ed25519 key';
  const signature = Buffer.from(checkpoint.signature, 'base64');
  const valid = verify(null, Buffer.from(checkpointMessage(checkpoint.checkpoint)), key, signature);
  return valid ? null : `its signature does not verify under key ${publicKeyId(publicKeyPem)}`;
}
