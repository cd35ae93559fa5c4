import type { Scope } from '../auth/scopes.js';

/**
 * What authenticates a request to the server: an API token (`custos token create`), a dashboard session (made by
 * redeeming a login code) or a one-time login code. Only the SHA-256 of the secret is stored, never the secret.
 */
export type CredentialKind = 'token' | 'session' | 'login-code';

export interface CredentialRecord {
  /** The public id (`tok_3f2a9c01`, `ses_...`, `lgc_...`): what listings and the audit trail name. */
  id: string;
  kind: CredentialKind;
  /** SHA-256 of the secret text, lower-case hex. */
  secretSha256: string;
  name: string;
  scopes: readonly Scope[];
  /** The owner the credential is bound to; null: every owner. */
  owner: string | null;
  createdAt: Date;
  /** The audit actor that made it (`cli:alice`, `api:tok_...`, `server:custos`). */
  createdBy: string;
  expiresAt: Date;
  revokedAt: Date | null;
  /** When it last authenticated a request (updated at most once a minute), or when a login code was redeemed. */
  lastUsedAt: Date | null;
}

export interface CredentialReader {
  /** The credential with this secret hash, whatever its state; null when none. */
  bySecret(secretSha256: string): Promise<CredentialRecord | null>;
  /** The credential with this public id; null when none. */
  get(id: string): Promise<CredentialRecord | null>;
  /** Credentials of one kind by creation time (revoked and expired ones included: the caller decides). */
  list(kind: CredentialKind): Promise<CredentialRecord[]>;
}

/** Credentials inside a store transaction (with the audit events that record them). */
export interface CredentialWriter extends CredentialReader {
  create(record: Omit<CredentialRecord, 'revokedAt' | 'lastUsedAt'>): Promise<void>;
  /** Sets revokedAt if still unset: false when it was already revoked (or no such credential). */
  revoke(id: string, at: Date): Promise<boolean>;
  /** Records a use (lastUsedAt = at). */
  touch(id: string, at: Date): Promise<void>;
  /**
   * Spends a one-time credential (a login code): sets lastUsedAt and revokedAt to `at` if, and only if, it was
   * never used; true for the one redemption that consumed it. A conditional update, so of two redemptions racing
   * on SQLite or PostgreSQL exactly one wins.
   */
  consume(id: string, at: Date): Promise<boolean>;
  /**
   * Records, once per store, that something happened (`admin-token-made`): true for the one transaction that
   * recorded it first, false ever after. An insert that does nothing on conflict, so of two servers starting at
   * once on one PostgreSQL exactly one gets true.
   */
  markOnce(marker: string, at: Date): Promise<boolean>;
}
