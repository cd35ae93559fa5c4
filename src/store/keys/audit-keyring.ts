import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, sign } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { AuditKeyring } from '../../core/ports/audit-keyring.js';
import { aesGcmSecretCipher } from './secret-cipher.js';
import { decodeSecretKey, readSecretKeyFile } from './secret-key-file.js';

/** Where the audit key comes from; the environment values are passed in by the caller (the CLI reads them). */
export interface AuditKeySource {
  /** The data directory: its `audit.key` is used (and created on first start) when neither below is given. */
  dataDir: string;
  /** The key itself, base64 or hex (`CUSTOS_AUDIT_KEY`). */
  key?: string;
  /** A key file kept elsewhere (`CUSTOS_AUDIT_KEY_FILE`); it must exist. */
  keyFile?: string;
}

export const AUDIT_KEY_FILE = 'audit.key';

/** The PKCS#8 DER prefix of an Ed25519 private key (RFC 8410), followed by its 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Loads the audit key: CUSTOS_AUDIT_KEY, else CUSTOS_AUDIT_KEY_FILE, else `audit.key` in the data directory. */
export async function loadAuditKeyring(source: AuditKeySource): Promise<AuditKeyring> {
  if (source.key !== undefined && source.key !== '')
    return auditKeyring(decodeSecretKey(source.key.trim(), 'CUSTOS_AUDIT_KEY'));
  if (source.keyFile !== undefined && source.keyFile !== '')
    return auditKeyring(
      await readSecretKeyFile(resolve(source.keyFile), { create: false, what: 'audit key' }),
    );
  const path = join(resolve(source.dataDir), AUDIT_KEY_FILE);
  return auditKeyring(await readSecretKeyFile(path, { create: true, what: 'audit key' }));
}

/**
 * The keyring derived from one 32-byte secret with HKDF-SHA-256, one derived key per purpose (so the MAC key and
 * the signing key never share bytes): the record/head MAC key, the Ed25519 checkpoint key's seed and the AES-256-GCM
 * key that seals secrets at rest.
 */
export function auditKeyring(secret: Buffer): AuditKeyring {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  const macKey = derive('custos audit mac v1');
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, derive('custos audit checkpoint ed25519 v1')]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    keyId: createHash('sha256').update(spki).digest('hex').slice(0, 16),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    mac: (message) => createHmac('sha256', macKey).update(message).digest('hex'),
    sign: (message) => sign(null, Buffer.from(message), privateKey).toString('base64'),
    secrets: aesGcmSecretCipher(derive('custos secrets at rest v1')),
  };
}
