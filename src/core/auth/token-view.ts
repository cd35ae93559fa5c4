import type { CredentialRecord } from '../ports/credential-store.js';
import type { Scope } from './scopes.js';

/** What `token list --json` and `GET /v1/tokens` show of a token: never a secret (the store has none). */
export interface TokenView {
  id: string;
  name: string;
  scopes: Scope[];
  owner: string | null;
  state: 'active' | 'expired' | 'revoked';
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export const tokenState = (record: CredentialRecord, now: Date): TokenView['state'] =>
  record.revokedAt !== null ? 'revoked' : now.getTime() >= record.expiresAt.getTime() ? 'expired' : 'active';

export const tokenView = (record: CredentialRecord, now: Date): TokenView => ({
  id: record.id,
  name: record.name,
  scopes: [...record.scopes],
  owner: record.owner,
  state: tokenState(record, now),
  createdAt: record.createdAt.toISOString(),
  createdBy: record.createdBy,
  expiresAt: record.expiresAt.toISOString(),
  revokedAt: record.revokedAt?.toISOString() ?? null,
  lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
});
