/**
 * A one-time bootstrap token as stored: only the SHA-256 of the token (never the token), the identity it lets its
 * holder ask a certificate for, and when it expires. `usedAt` is set once, by the redemption that consumed it.
 */
export interface BootstrapTokenRecord {
  /** SHA-256 of the token text, lower-case hex: the key. */
  tokenSha256: string;
  provisioner: string;
  identity: string;
  expiresAt: Date;
  createdAt: Date;
  /** The audit actor that made it (`cli:alice`). */
  createdBy: string;
  usedAt: Date | null;
}

export interface BootstrapTokenReader {
  /** The token with this hash, used or not; null when none. */
  get(tokenSha256: string): Promise<BootstrapTokenRecord | null>;
  /** Tokens not yet used, by expiry (expired ones included: the caller decides), for listing. */
  unused(): Promise<BootstrapTokenRecord[]>;
}

/** Bootstrap tokens inside a store transaction (with the audit events that record them). */
export interface BootstrapTokenWriter extends BootstrapTokenReader {
  create(record: Omit<BootstrapTokenRecord, 'usedAt'>): Promise<void>;
  /**
   * Marks the token used at `at` if, and only if, it is still unused: true for the one redemption that consumed
   * it, false for every other (concurrent or later) one. A conditional update, so exactly one of two transactions
   * racing on SQLite or PostgreSQL wins.
   */
  consume(tokenSha256: string, at: Date): Promise<boolean>;
}
