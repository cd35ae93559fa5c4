/**
 * The audit of refused requests stays bounded under a flood: per source one `api.denied` a minute, the rest counted
 * into one `api.denied.repeated`; beyond MAX_SOURCES sources at once, the others share the source `*`. Over a real
 * SQLite store, with the clock moved by hand.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { AuditRecord } from '../../src/core/audit/audit-event.js';
import type { Store } from '../../src/core/ports/store.js';
import { DENIAL_WINDOW_MS, denialAudit, type Denial } from '../../src/server/auth/denial-audit.js';
import { auditKeyring } from '../../src/store/keys/audit-keyring.js';
import { openStore } from '../../src/store/open-store.js';
import { bearer } from '../support/api-token.js';
import { anApp } from '../support/server.js';

const denial = (address: string): Denial => ({
  status: 401,
  actor: `anonymous:${address}`,
  credential: null,
  address,
  route: 'GET /v1/me',
  scope: 'read',
  reason: 'The request carries no credential.',
});

async function records(store: Store): Promise<AuditRecord[]> {
  const all: AuditRecord[] = [];
  for await (const record of store.audit.records()) all.push(record);
  return all;
}

describe('the audit of refused requests', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-denials-'));
    store = await openStore({ dataDir: dir, auditKeys: auditKeyring(randomBytes(32)) });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('writes the first refusal of a source at once and the rest of its minute as one count', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const audit = denialAudit({ store, clock: { now: () => now }, logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 50; i += 1) await audit.record(denial('203.0.113.7'));
    assert.equal((await records(store)).filter((r) => r.type === 'api.denied').length, 1);
    now = new Date(now.getTime() + DENIAL_WINDOW_MS);
    await audit.record(denial('203.0.113.7'));
    const all = await records(store);
    const repeated = all.filter((r) => r.type === 'api.denied.repeated');
    assert.equal(repeated.length, 1);
    assert.equal(repeated[0]?.data.count, 49);
    assert.equal(repeated[0]?.subject, 'source:203.0.113.7');
    assert.equal(
      all.filter((r) => r.type === 'api.denied').length,
      2,
      'a new minute starts with a new event',
    );
    await audit.flush(true);
    assert.equal((await records(store)).length, all.length, 'nothing more to count');
  });

  test('tracks at most so many sources (MAX_SOURCES); the others share one', async () => {
    const now = new Date('2026-02-01T00:00:00Z');
    const maxSources = 20;
    const audit = denialAudit(
      { store, clock: { now: () => now }, logger: pino({ level: 'silent' }) },
      maxSources,
    );
    const before = (await records(store)).length;
    for (let i = 0; i < maxSources + 30; i += 1) await audit.record(denial(`10.0.${i >> 8}.${i & 255}`));
    await audit.flush(true);
    const added = (await records(store)).slice(before);
    assert.equal(added.filter((r) => r.type === 'api.denied').length, maxSources + 1);
    const shared = added.find((r) => r.type === 'api.denied.repeated');
    assert.equal(shared?.subject, 'source:*');
    assert.equal(shared?.data.count, 29);
  });
});

test('a flood of unauthenticated requests to the server is one audit event per source and minute', async () => {
  const t = await anApp();
  try {
    for (let i = 0; i < 25; i += 1) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(`nope-${i}`) });
      assert.equal(res.statusCode, 401);
    }
    const denied = (await records(t.rt.store)).filter((r) => r.type === 'api.denied');
    assert.equal(denied.length, 1);
    assert.equal(denied[0]?.actor, 'anonymous:127.0.0.1');
    assert.equal(denied[0]?.subject, 'route:GET /v1/me');
  } finally {
    await t.cleanup();
  }
});
