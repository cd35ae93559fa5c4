import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../core/errors.js';
import type { SecretCipher } from '../../core/ports/secret-cipher.js';

/** The prefix of a sealed value; a later format gets v2 and this one still opens. */
export const SEALED_PREFIX = 'custos-sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bound into every tag, so a value sealed for another purpose under the same key never opens here. */
const AAD = Buffer.from('custos secrets at rest v1');

/**
 * AES-256-GCM under a 32-byte key: `custos-sealed:v1:` + base64(IV ‖ ciphertext ‖ tag), with a random 96-bit IV
 * per value (NIST SP 800-38D; far below 2^32 values per key).
 */
export function aesGcmSecretCipher(key: Buffer): SecretCipher {
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(AAD);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return SEALED_PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    },
    open(stored) {
      if (!stored.startsWith(SEALED_PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw cannotOpen();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES)).setAAD(AAD);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw cannotOpen(cause);
      }
    },
  };
}

const cannotOpen = (cause?: unknown) =>
  new DomainError(
    'CUSTOS_KEY_INVALID',
    'A secret stored in the database (a webhook secret or URL) does not open with the audit key in use: it was sealed under another key, or altered.',
    {
      hint: 'Give Custos the audit key the database was written with (CUSTOS_AUDIT_KEY, CUSTOS_AUDIT_KEY_FILE, or the audit.key of the data directory that wrote it).',
      ...(cause === undefined ? {} : { cause }),
    },
  );
