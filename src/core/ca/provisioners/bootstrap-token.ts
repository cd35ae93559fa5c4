import { createHash } from 'node:crypto';
import type { SecureRandom } from '../../ports/secure-random.js';

/** Every bootstrap token starts with this, so secret scanners and people recognise one (`cbt_` + 43 characters). */
export const BOOTSTRAP_TOKEN_PREFIX = 'cbt_';

/** 256 bits from the CSPRNG, base64url: the token is shown once and never stored. */
const TOKEN_BYTES = 32;

const TOKEN_FORM = /^cbt_[A-Za-z0-9_-]{43}$/;

export function newBootstrapToken(random: SecureRandom): string {
  return `${BOOTSTRAP_TOKEN_PREFIX}${Buffer.from(random.bytes(TOKEN_BYTES)).toString('base64url')}`;
}

/** Whether a text has the form of a bootstrap token (checked before any lookup; says nothing about validity). */
export const looksLikeBootstrapToken = (text: string): boolean => TOKEN_FORM.test(text);

/** What the store keeps: SHA-256 of the token text, lower-case hex. */
export const bootstrapTokenSha256 = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/** The short id that names a token in audit events and listings: the first 12 hex digits of its hash. */
export const bootstrapTokenId = (tokenSha256: string): string => tokenSha256.slice(0, 12);
