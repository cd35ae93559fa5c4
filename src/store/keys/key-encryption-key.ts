import { join, resolve } from 'node:path';
import { decodeSecretKey, readSecretKeyFile } from './secret-key-file.js';

/** The key-encryption key's file in the data directory, created (0600) on the first start that needs it. */
export const KEK_FILE = 'kek';

/** Where the built-in CA's key-encryption key comes from; `key` is `CUSTOS_KEK`, passed in by the caller. */
export interface KeyEncryptionKeySource {
  dataDir: string;
  /** The key itself, base64 or hex (`CUSTOS_KEK`). */
  key?: string;
}

/**
 * The 32-byte key that seals the built-in CA's software keys: `CUSTOS_KEK`, else the 0600 file `kek` in the data
 * directory, created on first use and refused when others can read it (CUSTOS_KEY_FILE_INSECURE), kept exactly as
 * the audit key file is.
 */
export async function loadKeyEncryptionKey(source: KeyEncryptionKeySource): Promise<Buffer> {
  if (source.key !== undefined && source.key !== '') return decodeSecretKey(source.key.trim(), 'CUSTOS_KEK');
  return readSecretKeyFile(join(resolve(source.dataDir), KEK_FILE), {
    create: true,
    what: 'key-encryption key',
  });
}
