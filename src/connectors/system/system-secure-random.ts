import { randomBytes } from 'node:crypto';
import type { SecureRandom } from '../../core/ports/secure-random.js';

/** Requests up to this size are served from a pool drawn this size at a time; larger ones are drawn alone. */
const POOL_BYTES = 4096;
const MAX_POOLED = 256;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * The operating system's CSPRNG (node:crypto randomBytes), drawn 4 KiB at a time for small requests, as Node's
 * randomUUID does: each call into OpenSSL costs ~16 µs whatever the size (16 bytes: 16 µs, 4,096 bytes: 20 µs on
 * the shared machine), and issuance draws 16 bytes per serial number. Every byte is handed out once and wiped from
 * the pool as it goes.
 */
export const systemSecureRandom: SecureRandom = {
  bytes(n) {
    if (n > MAX_POOLED) return new Uint8Array(randomBytes(n));
    if (offset + n > pool.length) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    const out = new Uint8Array(pool.subarray(offset, offset + n));
    pool.fill(0, offset, offset + n);
    offset += n;
    return out;
  },
};
