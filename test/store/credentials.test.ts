/**
 * The server's credentials on every dialect of DIALECTS (migration 0015-credentials): API tokens stored as SHA-256
 * only, authenticated while valid and refused (CUSTOS_UNAUTHENTICATED) when unknown, expired or revoked; login codes
 * redeemed once for a session, also when two redemptions race through two store connections; and the first-start
 * admin token made once when two servers start at once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createApiToken, listApiTokens, revokeApiToken } from '../../src/core/auth/api-tokens.js';
import { authenticate, LAST_USED_RESOLUTION_MS } from '../../src/core/auth/authenticate.js';
import { createLoginCode, LOGIN_CODE_TTL_MS, redeemLoginCode } from '../../src/core/auth/dashboard-login.js';
import { firstAdminToken } from '../../src/core/auth/first-admin-token.js';
import { DomainError } from '../../src/core/errors.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { day } from './fixtures.js';

const secureRandom = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };

const unauthenticated = (reason: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.code === 'CUSTOS_UNAUTHENTICATED' && reason.test(error.message);

async function auditText(store: Store): Promise<string> {
  const records = [];
  for await (const record of store.audit.records()) records.push(record);
  return JSON.stringify(records);
}

for (const dialect of DIALECTS) {
  describe(`Credentials on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let now: Date;
    const clock = { now: () => now };
    const deps = () => ({ store, clock, secureRandom, actor: 'cli:test' });
    beforeEach(async () => {
      now = day(0);
      db = await dialect.create();
      store = await openStore(db.options);
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
    });

    it('keeps only the hash of a token, authenticates it while valid, and refuses it once expired', async () => {
      const created = await createApiToken(deps(), {
        scopes: ['write', 'read'],
        owner: 'payments',
        name: 'ci-deploy',
        ttlMs: 86_400_000,
      });
      assert.match(created.token, /^cst_[A-Za-z0-9_-]{43}$/);
      assert.match(created.record.id, /^tok_[0-9a-f]{8}$/);
      assert.deepEqual(created.record.scopes, ['read', 'write']);
      const rows = await db.query<Record<string, unknown>>('select * from credentials');
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(created.token), 'the table never holds the token');
      assert.ok(!(await auditText(store)).includes(created.token), 'nor the audit trail');

      const record = await authenticate(deps(), created.token);
      assert.equal(record.id, created.record.id);
      assert.equal(record.owner, 'payments');
      assert.equal((await store.credentials.get(record.id))?.lastUsedAt?.getTime(), now.getTime());

      now = new Date(now.getTime() + LAST_USED_RESOLUTION_MS / 2);
      await authenticate(deps(), created.token);
      assert.equal(
        (await store.credentials.get(record.id))?.lastUsedAt?.getTime(),
        day(0).getTime(),
        'lastUsedAt is written at most once a minute',
      );

      now = new Date(day(0).getTime() + 86_400_000);
      await assert.rejects(authenticate(deps(), created.token), unauthenticated(/expired at/));
      await assert.rejects(authenticate(deps(), `cst_${'A'.repeat(43)}`), unauthenticated(/is unknown/));
      await assert.rejects(authenticate(deps(), 'hunter2'), unauthenticated(/not a Custos credential/));
    });

    it('revokes a token: it authenticates nothing after, and the listing shows when', async () => {
      const created = await createApiToken(deps(), { scopes: ['read'] });
      const revoked = await revokeApiToken(deps(), created.record.id);
      assert.equal(revoked.revokedAt?.getTime(), now.getTime());
      await assert.rejects(authenticate(deps(), created.token), unauthenticated(/was revoked/));
      const [listed] = await listApiTokens(deps());
      assert.equal(listed?.revokedAt?.getTime(), now.getTime());
      await assert.rejects(
        revokeApiToken(deps(), 'tok_00000000'),
        (e: unknown) => e instanceof DomainError && e.code === 'CUSTOS_NOT_FOUND',
      );
      assert.match(await auditText(store), /"token\.revoked"/);
    });

    it('redeems a login code once, for a session that authenticates; an expired code is refused', async () => {
      const code = await createLoginCode(deps());
      assert.match(code.secret, /^csl_/);
      await assert.rejects(authenticate(deps(), code.secret), unauthenticated(/not a Custos credential/));
      const session = await redeemLoginCode(deps(), code.secret);
      assert.match(session.secret, /^css_/);
      assert.deepEqual(session.record.scopes, ['admin']);
      assert.equal((await authenticate(deps(), session.secret)).kind, 'session');
      await assert.rejects(redeemLoginCode(deps(), code.secret), unauthenticated(/already used/));

      const late = await createLoginCode(deps());
      now = new Date(now.getTime() + LOGIN_CODE_TTL_MS);
      await assert.rejects(redeemLoginCode(deps(), late.secret), unauthenticated(/expired at/));
    });

    it('gives one session when two redemptions of a code race through two connections', async () => {
      const code = await createLoginCode(deps());
      const second = await openStore(db.options);
      try {
        const results = await Promise.allSettled([
          redeemLoginCode(deps(), code.secret),
          redeemLoginCode({ ...deps(), store: second }, code.secret),
        ]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const failed = results.find((r) => r.status === 'rejected');
        assert.ok(failed && unauthenticated(/already used/)(failed.reason), String(failed?.reason));
      } finally {
        await second.close();
      }
    });

    it('makes the first admin token once, also when two servers start at once', async () => {
      const second = await openStore(db.options);
      try {
        const made = await Promise.all([
          firstAdminToken(deps()),
          firstAdminToken({ ...deps(), store: second }),
          firstAdminToken(deps()),
        ]);
        const tokens = made.filter((m) => m !== null);
        assert.equal(tokens.length, 1);
        assert.deepEqual(tokens[0]?.record.scopes, ['admin']);
        assert.equal(await firstAdminToken(deps()), null);
      } finally {
        await second.close();
      }
    });

    it('makes no first admin token once an admin token was made another way', async () => {
      await createApiToken(deps(), { scopes: ['admin'] });
      assert.equal(await firstAdminToken(deps()), null);
    });
  });
}
