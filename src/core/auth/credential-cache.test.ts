// The server's cache of authenticated credentials: a hit within the TTL, a miss after it, and a credential revoked
// through this process forgotten at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CredentialRecord } from '../ports/credential-store.js';
import { CREDENTIAL_CACHE_TTL_MS, CredentialCache } from './credential-cache.js';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const record: CredentialRecord = {
  id: 'tok_3f2a9c01',
  kind: 'token',
  secretSha256: 'ab'.repeat(32),
  name: 'ci',
  scopes: ['issue'],
  owner: null,
  createdAt: at(0),
  createdBy: 'cli:test',
  expiresAt: at(86_400_000),
  revokedAt: null,
  lastUsedAt: null,
};

test('a credential is remembered for the TTL, and no longer', () => {
  const cache = new CredentialCache();
  cache.put(record.secretSha256, record, at(0), true);
  assert.equal(cache.get(record.secretSha256, at(CREDENTIAL_CACHE_TTL_MS - 1)), record);
  assert.equal(cache.get(record.secretSha256, at(CREDENTIAL_CACHE_TTL_MS)), null);
  assert.equal(cache.get('cd'.repeat(32), at(0)), null, 'another secret is not a hit');
});

test('updating a remembered credential keeps its deadline; forgetting it by id ends it at once', () => {
  const cache = new CredentialCache();
  cache.put(record.secretSha256, record, at(0), true);
  const touched = { ...record, lastUsedAt: at(1000) };
  cache.put(record.secretSha256, touched, at(1000), false);
  assert.equal(cache.get(record.secretSha256, at(2000)), touched);
  assert.equal(cache.get(record.secretSha256, at(CREDENTIAL_CACHE_TTL_MS)), null);
  cache.put(record.secretSha256, record, at(0), true);
  cache.forget(record.id);
  assert.equal(cache.get(record.secretSha256, at(1)), null);
});
