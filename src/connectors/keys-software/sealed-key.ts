/**
 * A CA's private key at rest: its PKCS#8 DER sealed with AES-256-GCM under the key-encryption key, as the text
 * `custos-kek:v1:<label, base64url>:<base64 of IV ‖ ciphertext ‖ tag>`, with a random 96-bit IV per key. The label
 * (the CA the key belongs to) is bound into the tag as additional data, so a sealed key moved to another label
 * does not open; a later format gets v2 and this one still opens.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../core/errors.js';

export const SEALED_KEY_PREFIX = 'custos-kek:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const additionalData = (label: string): Buffer => Buffer.from(`custos ca key v1\u0000${label}`, 'utf8');

export function sealKey(kek: Buffer, label: string, pkcs8: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv).setAAD(additionalData(label));
  const body = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
  return `${SEALED_KEY_PREFIX}${Buffer.from(label, 'utf8').toString('base64url')}:${sealed}`;
}

/** The PKCS#8 DER of a sealed key; CUSTOS_KEY_INVALID when it is not one, or another key sealed it. */
export function openKey(kek: Buffer, sealed: string): Buffer {
  if (!sealed.startsWith(SEALED_KEY_PREFIX)) throw cannotOpen('it is not a sealed key of this version');
  const [labelText, body] = sealed.slice(SEALED_KEY_PREFIX.length).split(':');
  const raw = Buffer.from(body ?? '', 'base64');
  if (labelText === undefined || raw.length < IV_BYTES + TAG_BYTES) throw cannotOpen('it is truncated');
  try {
    const label = Buffer.from(labelText, 'base64url').toString('utf8');
    const decipher = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, IV_BYTES)).setAAD(
      additionalData(label),
    );
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw cannotOpen('another key-encryption key sealed it, or it was altered', cause);
  }
}

const cannotOpen = (why: string, cause?: unknown) =>
  new DomainError('CUSTOS_KEY_INVALID', `A CA key stored in the database does not open: ${why}.`, {
    hint: 'Give Custos the key-encryption key the CA was created with (CUSTOS_KEK, or the kek file of the data directory that created it).',
    ...(cause === undefined ? {} : { cause }),
  });
