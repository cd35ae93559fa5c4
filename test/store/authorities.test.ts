/**
 * The built-in CA's store (migration 0011-authorities), on every dialect of DIALECTS: authorities with their key
 * references, issued certificates by fingerprint and by CA and serial, first-revocation-wins, and the latest CRL.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CertificateAuthority, IssuedCertificate } from '../../src/core/ports/authority-store.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { day } from './fixtures.js';

const der = (...bytes: number[]) => new Uint8Array(bytes);

const authority = (name: string): CertificateAuthority => ({
  name,
  status: 'active',
  keyType: 'ec-p256',
  key: { backend: 'software', sealed: 'custos-kek:v1:sealed-intermediate' },
  rootKey: {
    backend: 'pkcs11',
    module: '/usr/lib/softhsm/libsofthsm2.so',
    slot: 1,
    id: '0a0b',
    label: 'root',
  },
  certificate: der(0x30, 0x01, 0x02),
  chain: [der(0x30, 0x03), der(0x30, 0x04, 0x05)],
  csr: null,
  signsFrom: day(1),
  createdAt: day(0),
});

const issued = (fingerprint: string, serial: string): Omit<IssuedCertificate, 'revocation'> => ({
  fingerprintSha256: fingerprint,
  authority: 'default',
  serialNumber: serial,
  der: der(0x30, 0x00),
  notBefore: day(0),
  notAfter: day(1),
  identity: 'payments',
  provisioner: 'cli',
  issuedAt: day(0),
  requestKey: null,
});

for (const dialect of DIALECTS) {
  describe(`Certificate authorities on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    beforeEach(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
    });

    it('creates, reads, lists and updates authorities; a second one of the same name is CUSTOS_CA_EXISTS', async () => {
      await store.transaction((tx) => tx.authorities.create(authority('default')));
      await store.transaction((tx) =>
        tx.authorities.create({
          ...authority('alpha'),
          status: 'pending',
          certificate: null,
          chain: [],
          csr: der(1),
          rootKey: null,
          signsFrom: null,
        }),
      );
      assert.deepEqual(await store.authorities.get('default'), authority('default'));
      assert.equal(await store.authorities.get('missing'), null);
      assert.deepEqual(
        (await store.authorities.list()).map((a) => [a.name, a.status]),
        [
          ['alpha', 'pending'],
          ['default', 'active'],
        ],
      );
      await assert.rejects(
        store.transaction((tx) => tx.authorities.create(authority('default'))),
        (error: { code?: string }) => error.code === 'CUSTOS_CA_EXISTS',
      );
      await store.transaction((tx) =>
        tx.authorities.update('alpha', { status: 'active', certificate: der(9), chain: [der(8)], csr: null }),
      );
      const alpha = await store.authorities.get('alpha');
      assert.equal(alpha?.status, 'active');
      assert.deepEqual(alpha?.certificate, der(9));
      assert.deepEqual(alpha?.chain, [der(8)]);
      assert.equal(alpha?.csr, null);
      await assert.rejects(
        store.transaction((tx) => tx.authorities.update('missing', { status: 'retired' })),
        (error: { code?: string }) => error.code === 'CUSTOS_CA_NOT_FOUND',
      );
    });

    it('moves the configuration revision with every write of a CA or an object, and with nothing else', async () => {
      const revisions = [await store.configurationRevision()];
      const moved = async (what: string, change: () => Promise<unknown>, expected = true) => {
        await change();
        const revision = await store.configurationRevision();
        assert.equal(!revisions.includes(revision), expected, what);
        revisions.push(revision);
      };
      await moved('ca create', () => store.transaction((tx) => tx.authorities.create(authority('default'))));
      await moved('ca update', () =>
        store.transaction((tx) => tx.authorities.update('default', { status: 'retired' })),
      );
      await moved(
        'an issued certificate',
        () => store.transaction((tx) => tx.authorities.recordIssued(issued('a'.repeat(64), '0a'))),
        false,
      );
      const policy = {
        apiVersion: 'custos/v1',
        kind: 'Identity',
        metadata: { name: 'payments' },
        spec: { kind: 'service', owner: 'payments-team' },
      } as const;
      await moved('object created', () => store.transaction((tx) => tx.objects.put(policy, day(0), 'test')));
      await moved(
        'object unchanged',
        () => store.transaction((tx) => tx.objects.put(policy, day(1), 'test')),
        false,
      );
      await moved('object removed', () =>
        store.transaction((tx) => tx.objects.remove('Identity', 'payments')),
      );
      await moved(
        'nothing to remove',
        () => store.transaction((tx) => tx.objects.remove('Identity', 'payments')),
        false,
      );
    });

    it('records issued certificates, finds them by fingerprint or serial, and keeps the first revocation', async () => {
      await store.transaction((tx) => tx.authorities.create(authority('default')));
      await store.transaction(async (tx) => {
        await tx.authorities.recordIssued(issued('a'.repeat(64), '0a'));
        await tx.authorities.recordIssued(issued('b'.repeat(64), '0b'));
      });
      const a = await store.authorities.issued({ authority: 'default', serialNumber: '0a' });
      assert.deepEqual(a, { ...issued('a'.repeat(64), '0a'), revocation: null });
      assert.equal(
        (await store.authorities.issued({ fingerprintSha256: 'b'.repeat(64) }))?.serialNumber,
        '0b',
      );
      assert.equal(await store.authorities.issued({ authority: 'other', serialNumber: '0a' }), null);
      await assert.rejects(
        store.transaction((tx) => tx.authorities.recordIssued(issued('c'.repeat(64), '0a'))),
        (error: { code?: string }) => error.code === 'CUSTOS_STORE_FAILED',
      );

      const first = { revokedAt: day(2), reason: 'keyCompromise' as const, invalidityDate: day(1) };
      assert.equal(await store.transaction((tx) => tx.authorities.revoke('a'.repeat(64), first)), true);
      assert.equal(
        await store.transaction((tx) =>
          tx.authorities.revoke('a'.repeat(64), {
            revokedAt: day(3),
            reason: 'superseded',
            invalidityDate: null,
          }),
        ),
        false,
      );
      const revoked = await store.authorities.revoked('default');
      assert.deepEqual(
        revoked.map((r) => [r.serialNumber, r.revocation]),
        [['0a', first]],
      );
      // What the OCSP responder reads per request: unknown (null), valid, revoked; twice, as it asks again and again.
      for (let round = 0; round < 2; round++) {
        assert.deepEqual(await store.authorities.revocationOf('default', '0a'), { revocation: first });
        assert.deepEqual(await store.authorities.revocationOf('default', '0b'), { revocation: null });
        assert.equal(await store.authorities.revocationOf('default', '0c'), null);
        assert.equal(await store.authorities.revocationOf('other', '0a'), null);
      }
    });

    it('finds the certificates issued under a request key (managed crash recovery), oldest first', async () => {
      await store.transaction((tx) => tx.authorities.create(authority('default')));
      await store.transaction(async (tx) => {
        await tx.authorities.recordIssued({ ...issued('d'.repeat(64), '0d'), requestKey: 'managed/web/1' });
        await tx.authorities.recordIssued({
          ...issued('e'.repeat(64), '0e'),
          requestKey: 'managed/web/2',
          issuedAt: day(1),
        });
        await tx.authorities.recordIssued(issued('f'.repeat(64), '0f'));
      });
      assert.deepEqual(
        (await store.authorities.issuedUnder('default', 'managed/web/1')).map((i) => [
          i.serialNumber,
          i.requestKey,
        ]),
        [['0d', 'managed/web/1']],
      );
      assert.deepEqual(await store.authorities.issuedUnder('default', 'managed/web/3'), []);
      assert.deepEqual(await store.authorities.issuedUnder('other', 'managed/web/1'), []);
      assert.equal((await store.authorities.issued({ fingerprintSha256: 'f'.repeat(64) }))?.requestKey, null);
    });

    it('keeps every CRL and reads the latest', async () => {
      assert.equal(await store.authorities.latestCrl('default'), null);
      for (const crlNumber of [1, 2]) {
        await store.transaction((tx) =>
          tx.authorities.saveCrl({
            authority: 'default',
            crlNumber,
            thisUpdate: day(crlNumber),
            nextUpdate: day(crlNumber + 7),
            der: der(0x30, crlNumber),
          }),
        );
      }
      assert.deepEqual(await store.authorities.latestCrl('default'), {
        authority: 'default',
        crlNumber: 2,
        thisUpdate: day(2),
        nextUpdate: day(9),
        der: der(0x30, 2),
      });
    });
  });
}
