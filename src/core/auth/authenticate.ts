/**
 * Who a request's credential is: an API token (`cst_...`, the bearer token) or a dashboard session (`css_...`, the
 * session cookie), looked up by the SHA-256 of the secret. Unknown, expired and revoked credentials are one code,
 * CUSTOS_UNAUTHENTICATED, with the reason in the message (which names the id, never the secret).
 */
import { DomainError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { CredentialKind, CredentialRecord } from '../ports/credential-store.js';
import type { Store } from '../ports/store.js';
import type { CredentialCache } from './credential-cache.js';
import { looksLikeSecret, secretSha256 } from './credential-secret.js';

export interface AuthenticateDependencies {
  store: Store;
  clock: Clock;
  /** Credentials authenticated in the last seconds (the server's; credential-cache.ts): no store read for them. */
  credentialCache?: CredentialCache;
}

/** lastUsedAt is written at most this often per credential, so a busy token costs no write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const HINT =
  'send `Authorization: Bearer <token>` with a token from `custos token create` (or sign in again)';

/** The credential that was refused, when it was a known one (for the audit trail), with the reason. */
export class Unauthenticated extends DomainError {
  constructor(
    reason: string,
    readonly credential: CredentialRecord | null,
  ) {
    super(
      'CUSTOS_UNAUTHENTICATED',
      `The credential ${credential === null ? '' : `${credential.id} `}${reason}.`,
      {
        hint: HINT,
      },
    );
  }
}

/** The credential a secret is, if it is a valid token or session now; throws Unauthenticated otherwise. */
export async function authenticate(
  deps: AuthenticateDependencies,
  secret: string,
  kinds: readonly CredentialKind[] = ['token', 'session'],
): Promise<CredentialRecord> {
  const kind = kinds.find((k) => looksLikeSecret(secret, k));
  if (kind === undefined) throw new Unauthenticated('is not a Custos credential', null);
  const hash = secretSha256(secret);
  const now = deps.clock.now();
  const cached = deps.credentialCache?.get(hash, now) ?? null;
  const record = cached ?? (await deps.store.credentials.bySecret(hash));
  if (record === null || record.kind !== kind) throw new Unauthenticated('is unknown', null);
  if (record.revokedAt !== null)
    throw new Unauthenticated(`was revoked at ${record.revokedAt.toISOString()}`, record);
  if (now.getTime() >= record.expiresAt.getTime())
    throw new Unauthenticated(`expired at ${record.expiresAt.toISOString()}`, record);
  let current = record;
  if (record.lastUsedAt === null || now.getTime() - record.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await deps.store.transaction((tx) => tx.credentials.touch(record.id, now));
    current = { ...record, lastUsedAt: now };
  }
  deps.credentialCache?.put(hash, current, now, cached === null);
  return current;
}
