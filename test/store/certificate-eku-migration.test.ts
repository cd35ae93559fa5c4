/**
 * Upgrading a store made before extendedKeyUsage was kept (migration 0020): the self-signed CAs already stored get
 * their purposes from their DER, so a CA:TRUE certificate for TLS clients is judged an end entity at once, without
 * waiting for its file to change. Run on each dialect: the column is dropped and the migration forgotten behind the
 * store's back, as a database of the earlier version has them, then the store is opened again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { asCA, withExtendedKeyUsages, withSubject } from '../support/certificates.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { certificate, day } from './fixtures.js';

for (const dialect of DIALECTS) {
  describe(`migration 0020 on ${dialect.name}`, { skip: dialect.unavailable ?? false }, () => {
    let db: TestDatabase;
    let store: Store | undefined;
    before(async () => {
      db = await dialect.create();
    });
    after(async () => {
      await store?.close();
      await db.dispose();
    });

    it('fills the purposes of self-signed CAs stored before it, and only theirs', async () => {
      const client = await certificate(
        withSubject('CN=batch-client'),
        asCA(),
        withExtendedKeyUsages('clientAuth'),
      );
      const root = await certificate(withSubject('CN=Example Root CA'), asCA());
      const leaf = await certificate(withSubject('CN=api.internal'), withExtendedKeyUsages('serverAuth'));
      const first = await openStore(db.options);
      await first.transaction((tx) => tx.inventory.insertCertificates([client, root, leaf], day(0)));
      await first.close();

      await db.exec('alter table certificates drop column extended_key_usage');
      await db.exec(`delete from kysely_migration where name = '0020-certificate-eku'`);
      store = await openStore(db.options);

      const stored = async (fingerprint: string) =>
        (await store!.inventory.certificatesByPrefix(fingerprint))[0]?.extendedKeyUsage;
      assert.deepEqual(await stored(client.fingerprintSha256), ['1.3.6.1.5.5.7.3.2']);
      assert.equal(await stored(root.fingerprintSha256), null);
      // Not a self-signed CA: left as having none until it is read again (nothing judges a leaf by it).
      assert.equal(await stored(leaf.fingerprintSha256), null);
    });
  });
}
