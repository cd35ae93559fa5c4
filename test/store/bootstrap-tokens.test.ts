/**
 * One-time bootstrap tokens on every dialect of DIALECTS (migration 0012-bootstrap-tokens): only the SHA-256 is
 * stored, a token is redeemed once (a second use, an expired or an unknown token is CUSTOS_TOKEN_INVALID), two
 * redemptions at once through two store connections give exactly one grant, and neither the audit trail nor the
 * table ever holds the token itself.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { authorizeIssuance } from '../../src/core/ca/authorize-issuance.js';
import { createBootstrapToken } from '../../src/core/ca/provisioners/create-bootstrap-token.js';
import { withDefaultProvisioners, type Provisioner } from '../../src/core/ca/provisioners/provisioner.js';
import { redeemBootstrapToken } from '../../src/core/ca/provisioners/redeem-bootstrap-token.js';
import { DomainError } from '../../src/core/errors.js';
import type { JwksSource } from '../../src/core/ports/jwks-source.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { day } from './fixtures.js';

const provisioners: Provisioner[] = withDefaultProvisioners([
  { name: 'devices', type: 'bootstrap', limits: { names: ['*.devices.example'], maxTtlMs: 86_400_000 } },
]);
const noJwks: JwksSource = { keys: () => Promise.reject(new Error('no JWT provisioner here')) };
const secureRandom = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };

const tokenInvalid = (reason: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.code === 'CUSTOS_TOKEN_INVALID' && reason.test(error.message);

async function auditText(store: Store): Promise<string> {
  const records = [];
  for await (const record of store.audit.records()) records.push(record);
  return JSON.stringify(records);
}

for (const dialect of DIALECTS) {
  describe(`Bootstrap tokens on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let now: Date;
    const clock = { now: () => now };
    const deps = () => ({ store, clock, secureRandom, provisioners, actor: 'cli:test', jwks: noJwks });
    beforeEach(async () => {
      now = day(0);
      db = await dialect.create();
      store = await openStore(db.options);
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
    });

    it('keeps only the hash and redeems a token once, with the provisioner limits', async () => {
      const created = await createBootstrapToken(deps(), {
        identity: 'sensor-0042',
        ttlMs: 15 * 60_000,
        provisioner: 'devices',
      });
      assert.match(created.token, /^cbt_[A-Za-z0-9_-]{43}$/);
      const rows = await db.query<Record<string, unknown>>('select * from bootstrap_tokens');
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(created.token.slice(4)), 'the token is not stored');
      assert.equal(rows[0]!.identity, 'sensor-0042');
      assert.equal(rows[0]!.created_by, 'cli:test');

      now = day(0.005); // 7 minutes later
      const redeemed = await redeemBootstrapToken(deps(), created.token);
      assert.equal(redeemed.identity, 'sensor-0042');
      assert.deepEqual(redeemed.grant, {
        name: 'devices',
        kind: 'bootstrap-token',
        claims: { identity: 'sensor-0042' },
        limits: { names: ['*.devices.example'], maxTtlMs: 86_400_000 },
      });
      await assert.rejects(redeemBootstrapToken(deps(), created.token), tokenInvalid(/already used/));

      const audit = await auditText(store);
      assert.ok(!audit.includes(created.token.slice(4)), 'the token is not in the audit trail');
      assert.match(audit, /token\.bootstrap\.created/);
      assert.match(audit, /token\.bootstrap\.redeemed/);
      assert.ok(audit.includes(created.id));
      assert.equal((await store.bootstrapTokens.unused()).length, 0);
    });

    it('refuses an expired token and an unknown one with the same code', async () => {
      const created = await createBootstrapToken(deps(), { identity: 'edge-7', ttlMs: 60_000 });
      now = day(1);
      await assert.rejects(redeemBootstrapToken(deps(), created.token), tokenInvalid(/expired at/));
      await assert.rejects(redeemBootstrapToken(deps(), `cbt_${'A'.repeat(43)}`), tokenInvalid(/is unknown/));
      await assert.rejects(redeemBootstrapToken(deps(), 'hunter2'), tokenInvalid(/not a bootstrap token/));
      // Still unused: an expired token is refused, not consumed.
      assert.equal((await store.bootstrapTokens.unused()).length, 1);
    });

    it('gives exactly one grant when two connections redeem the same token at once', async () => {
      const second = await openStore(db.options);
      try {
        for (let round = 0; round < 5; round++) {
          const created = await createBootstrapToken(deps(), { identity: `race-${round}`, ttlMs: 60_000 });
          const results = await Promise.allSettled([
            redeemBootstrapToken(deps(), created.token),
            redeemBootstrapToken({ ...deps(), store: second }, created.token),
          ]);
          const granted = results.filter((r) => r.status === 'fulfilled');
          const refused = results.filter((r) => r.status === 'rejected');
          assert.equal(granted.length, 1, JSON.stringify(results.map((r) => r.status)));
          assert.equal(refused.length, 1);
          assert.ok(tokenInvalid(/already used/)((refused[0] as PromiseRejectedResult).reason));
        }
      } finally {
        await second.close();
      }
    });

    it('audits every decision of authorizeIssuance with the provisioner and claims, never the token', async () => {
      const created = await createBootstrapToken(deps(), { identity: 'sensor-1', ttlMs: 60_000 });
      const grant = await authorizeIssuance(deps(), { kind: 'bootstrap-token', token: created.token });
      assert.equal(grant.name, 'bootstrap');
      assert.equal(grant.limits, undefined, 'the default bootstrap provisioner has no limits');
      await assert.rejects(
        authorizeIssuance(deps(), { kind: 'bootstrap-token', token: created.token }),
        tokenInvalid(/already used/),
      );
      const cli = await authorizeIssuance(deps(), { kind: 'cli', user: 'alice' });
      assert.deepEqual(cli, { name: 'cli', kind: 'cli', claims: { user: 'alice' } });

      const events = [];
      for await (const record of store.audit.records()) events.push(record);
      const decisions = events.filter((e) => e.type.startsWith('issuance.'));
      assert.deepEqual(
        decisions.map((e) => [e.type, e.subject]),
        [
          ['issuance.authorized', 'identity:sensor-1'],
          ['issuance.refused', 'credential:bootstrap-token'],
          ['issuance.authorized', 'provisioner:cli'],
        ],
      );
      assert.deepEqual(decisions[0]!.data, {
        provisioner: 'bootstrap',
        kind: 'bootstrap-token',
        claims: { identity: 'sensor-1' },
      });
      assert.equal(decisions[1]!.data.code, 'CUSTOS_TOKEN_INVALID');
      assert.equal(decisions[1]!.data.token, created.id);
      assert.ok(!JSON.stringify(events).includes(created.token.slice(4)));
    });
  });
}
