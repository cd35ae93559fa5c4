/**
 * The secrets of the server's credentials: 256 bits from the CSPRNG, base64url, behind a prefix that says what
 * they are (so secret scanners and people recognise one): `cst_` an API token, `css_` a dashboard session, `csl_` a
 * one-time login code. The store keeps the SHA-256 only; the public id is separate random hex (`tok_3f2a9c01`).
 */
import { createHash } from 'node:crypto';
import type { CredentialKind } from '../ports/credential-store.js';
import type { SecureRandom } from '../ports/secure-random.js';

const SECRET_PREFIX: Record<CredentialKind, string> = {
  token: 'cst_',
  session: 'css_',
  'login-code': 'csl_',
};
const ID_PREFIX: Record<CredentialKind, string> = { token: 'tok_', session: 'ses_', 'login-code': 'lgc_' };

const SECRET_BYTES = 32;
const SECRET_FORM = /^cs[tsl]_[A-Za-z0-9_-]{43}$/;

export function newSecret(random: SecureRandom, kind: CredentialKind): string {
  return `${SECRET_PREFIX[kind]}${Buffer.from(random.bytes(SECRET_BYTES)).toString('base64url')}`;
}

/** Whether a text has the form of a credential of this kind (checked before any lookup). */
export const looksLikeSecret = (text: string, kind: CredentialKind): boolean =>
  SECRET_FORM.test(text) && text.startsWith(SECRET_PREFIX[kind]);

/** What the store keeps: SHA-256 of the secret text, lower-case hex. */
export const secretSha256 = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** A public id: the kind's prefix and 8 random hex digits (`tok_3f2a9c01`). */
export const newCredentialId = (random: SecureRandom, kind: CredentialKind): string =>
  `${ID_PREFIX[kind]}${Buffer.from(random.bytes(4)).toString('hex')}`;
