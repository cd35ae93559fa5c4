/**
 * How a browser signs in to the dashboard (as Jupyter does): `custos serve` prints a URL with a one-time login code
 * (valid 15 minutes); opening it redeems the code, once, for a session (12 hours) whose secret the browser keeps in
 * a cookie. Codes and sessions are stored as the SHA-256 of their secret only, and carry the scopes and owner of
 * whoever made them (admin for the server's own code).
 */
import type { Clock } from '../ports/clock.js';
import type { CredentialCache } from './credential-cache.js';
import type { CredentialRecord } from '../ports/credential-store.js';
import type { SecureRandom } from '../ports/secure-random.js';
import type { Store, StoreTransaction } from '../ports/store.js';
import { freshId } from './api-tokens.js';
import { Unauthenticated } from './authenticate.js';
import { looksLikeSecret, newSecret, secretSha256 } from './credential-secret.js';
import type { Scope } from './scopes.js';

export interface LoginDependencies {
  store: Store;
  clock: Clock;
  secureRandom: SecureRandom;
  actor: string; /** The server's cache of authenticated credentials: what is revoked here is forgotten there at once. */
  credentialCache?: CredentialCache;
}

export const LOGIN_CODE_TTL_MS = 15 * 60_000;
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface IssuedSecret {
  /** The secret: shown once (the code in the URL, the session in the cookie), never stored. */
  secret: string;
  record: CredentialRecord;
}

async function issueIn(
  tx: StoreTransaction,
  deps: LoginDependencies,
  kind: 'login-code' | 'session',
  grant: { scopes: readonly Scope[]; owner: string | null },
  ttlMs: number,
  auditType: string,
  extra: Record<string, unknown> = {},
): Promise<IssuedSecret> {
  const secret = newSecret(deps.secureRandom, kind);
  const now = deps.clock.now();
  const id = await freshId(tx, deps.secureRandom, kind);
  const record: CredentialRecord = {
    id,
    kind,
    secretSha256: secretSha256(secret),
    name: 'dashboard',
    scopes: grant.scopes,
    owner: grant.owner,
    createdAt: now,
    createdBy: deps.actor,
    expiresAt: new Date(now.getTime() + ttlMs),
    revokedAt: null,
    lastUsedAt: null,
  };
  await tx.credentials.create(record);
  await tx.appendAudit([
    {
      type: auditType,
      actor: deps.actor,
      subject: `${kind}:${id}`,
      at: now,
      data: {
        id,
        scopes: record.scopes,
        owner: record.owner,
        expiresAt: record.expiresAt.toISOString(),
        ...extra,
      },
    },
  ]);
  return { secret, record };
}

/** A one-time login code for the dashboard (`custos serve` makes an admin one on every start). */
export const createLoginCode = (
  deps: LoginDependencies,
  grant: { scopes: readonly Scope[]; owner: string | null } = { scopes: ['admin'], owner: null },
): Promise<IssuedSecret> =>
  deps.store.transaction((tx) =>
    issueIn(tx, deps, 'login-code', grant, LOGIN_CODE_TTL_MS, 'login-code.created'),
  );

/**
 * Redeems a login code for a session: the code is spent by a conditional update, so it works once however many
 * browsers race; unknown, used and expired codes are CUSTOS_UNAUTHENTICATED.
 */
export async function redeemLoginCode(deps: LoginDependencies, code: string): Promise<IssuedSecret> {
  if (!looksLikeSecret(code, 'login-code')) throw new Unauthenticated('is not a login code', null);
  const record = await deps.store.credentials.bySecret(secretSha256(code));
  if (record === null || record.kind !== 'login-code') throw new Unauthenticated('is unknown', null);
  const now = deps.clock.now();
  if (record.lastUsedAt !== null)
    throw new Unauthenticated(`was already used (${record.lastUsedAt.toISOString()})`, record);
  if (record.revokedAt !== null)
    throw new Unauthenticated(`was revoked at ${record.revokedAt.toISOString()}`, record);
  if (now.getTime() >= record.expiresAt.getTime())
    throw new Unauthenticated(`expired at ${record.expiresAt.toISOString()}`, record);
  return deps.store.transaction(async (tx) => {
    if (!(await tx.credentials.consume(record.id, now)))
      throw new Unauthenticated('was already used', record);
    return issueIn(tx, deps, 'session', record, SESSION_TTL_MS, 'session.created', { loginCode: record.id });
  });
}

/** Ends a session (`POST /logout`): its cookie authenticates nothing from now on. */
export async function endSession(deps: LoginDependencies, id: string): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    if (await tx.credentials.revoke(id, now))
      await tx.appendAudit([
        { type: 'session.ended', actor: deps.actor, subject: `session:${id}`, at: now, data: { id } },
      ]);
  });
  deps.credentialCache?.forget(id); // after the commit, so no request caches it again from before
}

/** The sign-in URL of a login code at the server's base URL (`dashboard: http://127.0.0.1:8700/login?code=...`). */
export const loginUrl = (baseUrl: string, code: string): string =>
  `${baseUrl.replace(/\/+$/, '')}/login?code=${encodeURIComponent(code)}`;
