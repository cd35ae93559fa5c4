/**
 * API tokens (`custos token create|list|revoke`, `/v1/tokens`): a random secret shown once, stored as its SHA-256,
 * named by a public id (`tok_3f2a9c01`), with scopes, an optional owner binding and an expiry. Each change is
 * audited in its transaction (`token.created`, `token.revoked`), naming the token by its id, never its secret.
 */
import { MAX_DURATION_MS } from '../duration.js';
import type { CredentialCache } from './credential-cache.js';
import { DomainError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { CredentialRecord, CredentialWriter } from '../ports/credential-store.js';
import type { SecureRandom } from '../ports/secure-random.js';
import type { Store, StoreTransaction } from '../ports/store.js';
import { newCredentialId, newSecret, secretSha256 } from './credential-secret.js';
import { SCOPES, type Scope } from './scopes.js';

export interface TokenDependencies {
  store: Store;
  clock: Clock;
  secureRandom: SecureRandom;
  /** Who does it (`cli:alice`, `api:tok_...`). */
  actor: string; /** The server's cache of authenticated credentials: what is revoked here is forgotten there at once. */
  credentialCache?: CredentialCache;
}

export interface CreateApiTokenInput {
  scopes: readonly Scope[];
  /** Bind the token to one owner: it sees and acts on that owner's certificates only. */
  owner?: string;
  name?: string;
  /** How long it is valid; default DEFAULT_TOKEN_TTL_MS. */
  ttlMs?: number;
}

export interface CreatedApiToken {
  /** The secret: shown once, never stored. */
  token: string;
  record: CredentialRecord;
}

/** A token lives 90 days unless told otherwise: long enough for automation, short enough to be rotated. */
export const DEFAULT_TOKEN_TTL_MS = 90 * 86_400_000;

/** Records, once per store, that an admin token was made: the first start prints one only while none was. */
export const ADMIN_TOKEN_MARKER = 'admin-token-made';

const NAME_FORM = /^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/;
const OWNER_FORM = /^[\x21-\x7e]{1,253}$/;

function checked(input: CreateApiTokenInput): { name: string | null; ttlMs: number } {
  if (input.scopes.length === 0 || input.scopes.some((s) => !SCOPES.includes(s)))
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `A token needs one or more of the scopes ${SCOPES.join(', ')}.`,
      {
        hint: 'give --scopes read or --scopes read,write',
      },
    );
  if (input.name !== undefined && !NAME_FORM.test(input.name))
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `The token name "${input.name}" is not a name.`, {
      hint: 'give --name as printable characters, at most 64, e.g. ci-deploy',
    });
  if (input.owner !== undefined && !OWNER_FORM.test(input.owner))
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `The owner "${input.owner}" is not a name.`, {
      hint: 'give --owner as the owner name `custos owners list` shows',
    });
  const ttlMs = input.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
  if (!(ttlMs > 0) || ttlMs > MAX_DURATION_MS)
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', 'A token lives more than 0 and at most 36500d.', {
      hint: 'give --ttl such as 30d or 365d',
    });
  return { name: input.name ?? null, ttlMs };
}

/** A fresh public id of this kind: the 8 hex digits are random, so one is drawn again in the rare clash. */
export async function freshId(
  tx: { credentials: CredentialWriter },
  random: SecureRandom,
  kind: CredentialRecord['kind'],
): Promise<string> {
  for (;;) {
    const id = newCredentialId(random, kind);
    if ((await tx.credentials.get(id)) === null) return id;
  }
}

/** Makes a token in `tx` (with its audit event); the first-start admin token uses this too. */
export async function createApiTokenIn(
  tx: StoreTransaction,
  deps: TokenDependencies,
  input: CreateApiTokenInput,
): Promise<CreatedApiToken> {
  const { name, ttlMs } = checked(input);
  const token = newSecret(deps.secureRandom, 'token');
  const now = deps.clock.now();
  const id = await freshId(tx, deps.secureRandom, 'token');
  const record: CredentialRecord = {
    id,
    kind: 'token',
    secretSha256: secretSha256(token),
    name: name ?? id,
    scopes: SCOPES.filter((s) => input.scopes.includes(s)),
    owner: input.owner ?? null,
    createdAt: now,
    createdBy: deps.actor,
    expiresAt: new Date(now.getTime() + ttlMs),
    revokedAt: null,
    lastUsedAt: null,
  };
  await tx.credentials.create(record);
  if (record.scopes.includes('admin')) await tx.credentials.markOnce(ADMIN_TOKEN_MARKER, now);
  await tx.appendAudit([
    {
      type: 'token.created',
      actor: deps.actor,
      subject: `token:${id}`,
      at: now,
      data: {
        id,
        name: record.name,
        scopes: record.scopes,
        owner: record.owner,
        expiresAt: record.expiresAt.toISOString(),
      },
    },
  ]);
  return { token, record };
}

export function createApiToken(
  deps: TokenDependencies,
  input: CreateApiTokenInput,
): Promise<CreatedApiToken> {
  return deps.store.transaction((tx) => createApiTokenIn(tx, deps, input));
}

/** Every token, revoked and expired ones included, by creation time (no secrets: the store has none). */
export const listApiTokens = (deps: Pick<TokenDependencies, 'store'>): Promise<CredentialRecord[]> =>
  deps.store.credentials.list('token');

/** Revokes a token by its id: it authenticates nothing from now on. Revoking a revoked token changes nothing. */
export async function revokeApiToken(deps: TokenDependencies, id: string): Promise<CredentialRecord> {
  const revoked = await deps.store.transaction(async (tx) => {
    const record = await tx.credentials.get(id);
    if (record === null || record.kind !== 'token')
      throw new DomainError('CUSTOS_NOT_FOUND', `No API token has the id "${id}".`, {
        hint: '`custos token list` shows them (ids look like tok_3f2a9c01)',
      });
    const now = deps.clock.now();
    if (!(await tx.credentials.revoke(id, now))) return record;
    await tx.appendAudit([
      {
        type: 'token.revoked',
        actor: deps.actor,
        subject: `token:${id}`,
        at: now,
        data: { id, name: record.name },
      },
    ]);
    return { ...record, revokedAt: now };
  });
  deps.credentialCache?.forget(id); // after the commit, so no request caches it again from before
  return revoked;
}
