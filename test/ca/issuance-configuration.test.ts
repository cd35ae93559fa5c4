/**
 * The issuance configuration cache (src/core/ca/issuance-configuration.ts) on every dialect of DIALECTS: two stores
 * opened on one database stand for two processes; what one writes (a policy, a CA) the other's cache answers with at
 * its next use, and while nothing is written it answers from what it read.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { issuanceConfigurationCache } from '../../src/core/ca/issuance-configuration.js';
import type { CertificateAuthority } from '../../src/core/ports/authority-store.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { anIssuancePolicy } from './issuance-support.js';

const authority: CertificateAuthority = {
  name: 'default',
  status: 'active',
  keyType: 'ec-p256',
  key: { backend: 'software', sealed: 'custos-kek:v1:sealed' },
  rootKey: null,
  certificate: new Uint8Array([0x30, 0x00]),
  chain: [],
  csr: null,
  signsFrom: null,
  createdAt: new Date('2026-12-01T00:00:00Z'),
};

for (const dialect of DIALECTS) {
  describe(`The issuance configuration cache on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let server: Store;
    let elsewhere: Store;
    beforeEach(async () => {
      db = await dialect.create();
      server = await openStore(db.options);
      elsewhere = await openStore(db.options);
    });
    afterEach(async () => {
      await server.close();
      await elsewhere.close();
      await db.dispose();
    });

    it('answers what another process wrote at its next use, and from what it read while nothing changed', async () => {
      const cache = issuanceConfigurationCache(server);
      const first = await cache.current();
      assert.deepEqual(await first.policies(), []);
      await assert.rejects(first.generations('default'), { code: 'CUSTOS_CA_NOT_FOUND' });
      assert.equal(await cache.current(), first, 'nothing written: the same configuration');

      await elsewhere.transaction((tx) =>
        tx.objects.put(anIssuancePolicy('no-test', 'false'), new Date(), 'test'),
      );
      const second = await cache.current();
      assert.notEqual(second, first);
      assert.deepEqual(
        (await second.policies()).map((p) => p.metadata.name),
        ['no-test'],
      );
      await elsewhere.transaction((tx) => tx.authorities.create(authority));
      const third = await cache.current();
      assert.deepEqual(
        (await third.generations('default')).map((g) => g.name),
        ['default'],
      );
      // Asked together, they share one read of the revision and one configuration.
      const together = await Promise.all([cache.current(), cache.current(), cache.current()]);
      assert.ok(together.every((c) => c === third));
    });
  });
}
