/**
 * Stored evaluations (migration 0008-evaluations), on every dialect of DIALECTS: written with the change that
 * called for them, in its transaction, and only when they changed.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { evaluate } from '../../src/core/evaluation/evaluate.js';
import type { Evaluation } from '../../src/core/evaluation/evaluation.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { certificate, day, fileAt } from './fixtures.js';

const evaluation = (fingerprintSha256: string, owner: string | null): Evaluation => ({
  fingerprintSha256,
  owner,
  ownerSource: owner === null ? null : { kind: 'assignment', by: 'alice' },
  identity: null,
  findings: owner === null ? [{ code: 'unowned', severity: 'medium', message: 'no owner' }] : [],
});

for (const dialect of DIALECTS) {
  describe(`Stored evaluations on ${dialect.name}`, () => {
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

    it('stores, replaces and reads evaluations by fingerprint; a rolled-back one is not kept', async () => {
      const a = 'a'.repeat(64);
      const b = 'b'.repeat(64);
      await store.transaction(async (tx) => {
        await tx.evaluations.putEvaluations([evaluation(a, null)], day(0));
        assert.deepEqual(
          [...(await tx.evaluations.evaluationsOf([a])).values()],
          [{ ...evaluation(a, null), evaluatedAt: day(0) }],
        );
      });
      await store.transaction((tx) => tx.evaluations.putEvaluations([evaluation(a, 'plant')], day(1)));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.evaluations.putEvaluations([evaluation(b, null)], day(2));
          throw new Error('the change failed');
        }),
        /the change failed/,
      );
      const stored = await store.evaluations.evaluationsOf([a, b, 'c'.repeat(64)]);
      assert.deepEqual([...stored.keys()], [a]);
      assert.deepEqual(stored.get(a), { ...evaluation(a, 'plant'), evaluatedAt: day(1) });
      assert.equal((await store.evaluations.evaluationsOf([])).size, 0);
    });

    it('evaluate() in the transaction of a change writes a certificate once, and again only when it changes', async () => {
      const a = await certificate();
      const first = await store.transaction(async (tx) => {
        await tx.inventory.insertCertificates([a], day(0));
        await tx.inventory.startSightings(
          [
            {
              location: fileAt('/srv/a.pem'),
              object: { type: 'certificate', fingerprintSha256: a.fingerprintSha256 },
            },
          ],
          day(0),
        );
        return evaluate({ tx, at: day(0), actor: 'test' }, [a.fingerprintSha256]);
      });
      assert.equal(first.written, 1);
      const stored = (await store.evaluations.evaluationsOf([a.fingerprintSha256])).get(a.fingerprintSha256);
      assert.equal(stored?.owner, null);
      assert.deepEqual(
        stored?.findings.map((f) => f.code).filter((code) => !code.startsWith('lint-')),
        ['unowned'],
        'the default owner-required policy finds it unowned',
      );
      const again = await store.transaction((tx) =>
        evaluate({ tx, at: day(1), actor: 'test' }, [a.fingerprintSha256]),
      );
      assert.equal(again.written, 0, 'an unchanged evaluation is not written again');
      await store.transaction(async (tx) => {
        await tx.objects.put(
          {
            apiVersion: 'custos/v1',
            kind: 'Owner',
            metadata: { name: 'plant' },
            spec: { contacts: { email: ['plant@corp.example'] } },
          },
          day(2),
          'test',
        );
        await tx.objects.assign({
          fingerprintSha256: a.fingerprintSha256,
          owner: 'plant',
          assignedBy: 'test',
          assignedAt: day(2),
        });
        const changed = await evaluate({ tx, at: day(2), actor: 'test' }, [a.fingerprintSha256]);
        assert.equal(changed.written, 1);
        assert.deepEqual(
          changed.ownerChanges.map((c) => c.newOwner),
          ['plant'],
        );
      });
      const owned = (await store.evaluations.evaluationsOf([a.fingerprintSha256])).get(a.fingerprintSha256);
      assert.equal(owned?.owner, 'plant');
      assert.deepEqual(
        owned?.findings.filter((f) => !f.code.startsWith('lint-')),
        [],
      );
    });
  });
}
