import { randomBytes } from 'node:crypto';
import type { SecureRandom } from '../../core/ports/secure-random.js';

/** The operating system's CSPRNG (node:crypto randomBytes). */
export const systemSecureRandom: SecureRandom = { bytes: (n) => new Uint8Array(randomBytes(n)) };
