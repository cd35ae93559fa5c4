/**
 * Managed certificates' store (migrations 0013-managed-certificates, 0017-managed-revoke-after), on every dialect of DIALECTS: the status round
 * trip (conditions, revisions, pending issuance, deployed and verified marks, stale endpoints, revisions to revoke after their replacement), revisions recorded
 * once per number with their key sealed, and nothing visible before the transaction commits.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  initialStatus,
  type CertificateRevision,
  type ManagedStatus,
} from '../../src/core/managed/managed-status.js';
import type { DeclarativeObject } from '../../src/core/declarative/objects.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { day } from './fixtures.js';

const der = (...bytes: number[]) => new Uint8Array(bytes);

const status = (sealedKey: string): ManagedStatus => ({
  ...initialStatus('web', day(0)),
  conditions: [
    {
      type: 'Ready',
      status: 'False',
      reason: 'Deploying',
      message: 'deploying revision 2',
      lastTransitionTime: day(1),
    },
    { type: 'Issuing', status: 'True', reason: 'Renewing', message: 'due', lastTransitionTime: day(1) },
  ],
  revision: 1,
  fingerprintSha256: 'ab'.repeat(32),
  previousRevision: null,
  renewalTime: day(2),
  nextRetry: day(1),
  attempts: 2,
  renewRequested: true,
  pending: {
    revision: 2,
    sealedPrivateKey: sealedKey,
    publicKeySpki: der(0x30, 0x59, 0x01),
    requestKey: 'managed/web/2',
    issuedFor: '{"dnsNames":["web.example"]}',
    reason: 'Renewing',
  },
  issuedFor: '{"dnsNames":["web.example"]}',
  deployed: { revision: 1, destinations: '[]' },
  verified: null,
  staleEndpoints: [{ host: '127.0.0.1', port: 8443, sni: 'web.example', servedFingerprint: null }],
  updatedAt: day(1),
  // Migration 0017-managed-revoke-after.
  revokeAfterReady: [{ revision: 1, fingerprintSha256: 'ab'.repeat(32), reason: 'keyCompromise' }],
});

const revision = (n: number, sealedKey: string): CertificateRevision => ({
  name: 'web',
  revision: n,
  fingerprintSha256: String(n).repeat(64),
  certificate: der(0x30, n),
  chain: [der(0x30, 0x03), der(0x30, 0x04)],
  sealedPrivateKey: sealedKey,
  notBefore: day(0),
  notAfter: day(3),
  createdAt: day(0),
});

for (const dialect of DIALECTS) {
  describe(`Managed certificates on ${dialect.name}`, () => {
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

    it('keeps a status as written, and replaces it', async () => {
      const sealed = db.options.auditKeys.secrets.seal('-----BEGIN PRIVATE KEY-----');
      const written = status(sealed);
      await store.transaction((tx) => tx.managed.putStatus(written));
      assert.deepEqual(await store.managed.status('web'), written);
      const next = { ...written, pending: null, attempts: 0, renewRequested: false, revision: 2 };
      await store.transaction((tx) => tx.managed.putStatus(next));
      assert.deepEqual(await store.managed.statuses(), [next]);
      assert.equal(await store.managed.status('other'), null);
    });

    it('records a revision once per number, with its key sealed, oldest first', async () => {
      const sealed = db.options.auditKeys.secrets.seal('-----BEGIN PRIVATE KEY-----\nsecret');
      assert.equal(await store.transaction((tx) => tx.managed.addRevision(revision(2, sealed))), true);
      assert.equal(await store.transaction((tx) => tx.managed.addRevision(revision(1, sealed))), true);
      assert.equal(await store.transaction((tx) => tx.managed.addRevision(revision(2, 'again'))), false);
      const revisions = await store.managed.revisions('web');
      assert.deepEqual(
        revisions.map((r) => r.revision),
        [1, 2],
      );
      assert.deepEqual(await store.managed.revision('web', 2), revision(2, sealed));
      const rows = await db.query<{ sealed_key: string }>('select sealed_key from managed_revisions');
      for (const row of rows) assert.doesNotMatch(row.sealed_key, /PRIVATE KEY|secret/);
    });

    it('writes nothing when the transaction fails, and forgets a removed certificate', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.managed.putStatus(status('x'));
          await tx.managed.addRevision(revision(1, 'x'));
          throw new Error('crash');
        }),
        /crash/,
      );
      assert.equal(await store.managed.status('web'), null);
      assert.deepEqual(await store.managed.revisions('web'), []);
      await store.transaction(async (tx) => {
        await tx.managed.putStatus(status('x'));
        await tx.managed.addRevision(revision(1, 'x'));
      });
      await store.transaction((tx) => tx.managed.remove('web'));
      assert.equal(await store.managed.status('web'), null);
      assert.deepEqual(await store.managed.revisions('web'), []);
    });

    it('deletes its ManagedCertificate object (managed delete), and says when there was none', async () => {
      const object: DeclarativeObject<'ManagedCertificate'> = {
        apiVersion: 'custos/v1',
        kind: 'ManagedCertificate',
        metadata: { name: 'web' },
        spec: { dnsNames: ['web.test'], duration: '24h', issuerRef: { name: 'default' } },
      };
      await store.transaction((tx) => tx.objects.put(object, day(0), 'test'));
      assert.equal((await store.objects.list('ManagedCertificate')).length, 1);
      assert.equal(await store.transaction((tx) => tx.objects.remove('ManagedCertificate', 'web')), true);
      assert.deepEqual(await store.objects.list('ManagedCertificate'), []);
      assert.equal(await store.transaction((tx) => tx.objects.remove('ManagedCertificate', 'web')), false);
    });
  });
}
