/**
 * Credentials recently authenticated, by the SHA-256 of their secret, so a busy API client costs no database read
 * per request (bench/api: the lookup was ~0.3 ms of the ~9 ms of server CPU an issuance took). An entry lives
 * CREDENTIAL_CACHE_TTL_MS; expiry is checked on every request as before. Revoking a token or ending a session
 * through this process (`DELETE /v1/tokens/{id}`, `/logout`) forgets it at once; a revocation made elsewhere (the
 * CLI on the same store, another instance) is honoured within the TTL.
 */
import type { CredentialRecord } from '../ports/credential-store.js';

/** How long an authenticated credential is trusted without reading the store again. */
export const CREDENTIAL_CACHE_TTL_MS = 5_000;

/** At most this many credentials are remembered; the oldest goes first. */
const MAX_ENTRIES = 10_000;

export class CredentialCache {
  private readonly entries = new Map<string, { record: CredentialRecord; until: number }>();

  constructor(private readonly ttlMs: number = CREDENTIAL_CACHE_TTL_MS) {}

  /** The credential whose secret hashes to this, if it was authenticated less than the TTL ago. */
  get(secretHash: string, now: Date): CredentialRecord | null {
    const entry = this.entries.get(secretHash);
    if (entry === undefined) return null;
    if (now.getTime() < entry.until) return entry.record;
    this.entries.delete(secretHash);
    return null;
  }

  /** Remembers a credential that was just authenticated (or the lastUsedAt just written for it). */
  put(secretHash: string, record: CredentialRecord, now: Date, fresh: boolean): void {
    const entry = this.entries.get(secretHash);
    if (!fresh && entry !== undefined) {
      entry.record = record;
      return;
    }
    this.entries.delete(secretHash);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(secretHash, { record, until: now.getTime() + this.ttlMs });
  }

  /** Forgets a credential (revoked or ended here): it is read from the store again on its next use. */
  forget(id: string): void {
    for (const [hash, entry] of this.entries) if (entry.record.id === id) this.entries.delete(hash);
  }
}
