/**
 * `custos serve`'s CRL refresh on every dialect: a CA with no CRL gets one, a fresh CRL is left alone, and one past
 * half its validity is followed by the next CRL number — so a relying party never holds a CRL past its nextUpdate.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildKeyManager } from '../../src/compose/key-manager.js';
import { softwareKeyBackend } from '../../src/connectors/keys-software/software-key-backend.js';
import { initAuthority } from '../../src/core/ca/init-authority.js';
import { refreshCrls } from '../../src/core/ca/refresh-crls.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { systemSecureRandom } from '../../src/connectors/system/system-secure-random.js';

const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`CRL refresh on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let now = new Date('2026-06-01T12:00:00Z');
    const deps = () => {
      const kek = randomBytes(32);
      return {
        store,
        keys: buildKeyManager({ software: softwareKeyBackend({ loadKek: () => Promise.resolve(kek) }) }),
        clock: { now: () => now },
        secureRandom: systemSecureRandom,
        actor: 'test',
      };
    };
    beforeEach(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
    });

    it('publishes when missing or half gone, not while fresh', async () => {
      const d = deps();
      await initAuthority(d, {
        name: 'default',
        keyType: 'ec-p256',
        where: { backend: 'software' },
        rootTtlMs: 3650 * DAY,
        intermediateTtlMs: 1825 * DAY,
      });
      const first = await refreshCrls(d, { validityMs: 7 * DAY });
      assert.deepEqual(
        first.map((c) => c.authority),
        ['default'],
        'a CA without a CRL gets one',
      );
      const number = first[0]!.crlNumber;

      now = new Date(now.getTime() + 3 * DAY);
      assert.deepEqual(
        await refreshCrls(d, { validityMs: 7 * DAY }),
        [],
        'a CRL with 4 of 7 days left stays',
      );

      now = new Date(now.getTime() + 1 * DAY);
      const next = await refreshCrls(d, { validityMs: 7 * DAY });
      assert.equal(next[0]?.crlNumber, number + 1);
      assert.equal((await store.authorities.latestCrl('default'))?.crlNumber, number + 1);
    });
  });
}
