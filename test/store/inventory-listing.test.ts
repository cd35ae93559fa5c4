/**
 * The API's inventory queries in the store, on every dialect of DIALECTS: keyset pages in each sort (ties on
 * notAfter broken by fingerprint), the filters read from the stored evaluations and locations, the summary's
 * aggregates, and the audit query by subject, type and owner.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Evaluation } from '../../src/core/evaluation/evaluation.js';
import type { ParsedCertificate } from '../../src/pki/x509/parsed-certificate.js';
import { INVENTORY_SORTS, type CertificateQuery } from '../../src/core/ports/inventory-store.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { withDnsNames } from '../support/certificates.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { certificate, day, expiringOn, fileAt } from './fixtures.js';

const OWNERS = ['alpha', 'beta', null] as const;

const evaluation = (c: ParsedCertificate, owner: string | null, identity: string | null): Evaluation => ({
  fingerprintSha256: c.fingerprintSha256,
  owner,
  ownerSource: owner === null ? null : { kind: 'assignment', by: 'test' },
  identity,
  findings: owner === null ? [{ code: 'unowned', severity: 'medium', message: 'no owner' }] : [],
});

for (const dialect of DIALECTS) {
  describe(`inventory listing queries on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    const certificates: ParsedCertificate[] = [];
    const ownerOf = new Map<string, string | null>();

    before(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
      // 12 certificates, three per notAfter (ties), owners in turn.
      for (let i = 0; i < 12; i++)
        certificates.push(
          await certificate(withDnsNames(`host${i}.corp.example`), expiringOn(day(30 + Math.floor(i / 3)))),
        );
      await store.transaction(async (tx) => {
        await tx.inventory.insertCertificates(certificates, day(0));
        await tx.inventory.startSightings(
          certificates.map((c, i) => ({
            location:
              i === 11
                ? { kind: 'tls', host: 'h', port: 443, sni: null, address: null }
                : fileAt(`/etc/c${i}.pem`),
            object: { type: 'certificate', fingerprintSha256: c.fingerprintSha256 },
          })),
          day(0),
        );
        const evaluations = certificates.map((c, i) => {
          const owner = OWNERS[i % 3] ?? null;
          ownerOf.set(c.fingerprintSha256, owner);
          return evaluation(c, owner, i === 0 ? 'web' : null);
        });
        await tx.evaluations.putEvaluations(evaluations, day(0));
        await tx.appendAudit(
          certificates.map((c) => ({
            type: 'certificate.discovered',
            actor: 'test',
            subject: c.fingerprintSha256,
            at: day(0),
            data: {},
          })),
        );
      });
    });
    after(async () => {
      await store.close();
      await db.dispose();
    });

    const walk = async (query: CertificateQuery, size: number): Promise<string[]> => {
      const seen: string[] = [];
      let after: CertificateQuery['after'];
      for (;;) {
        const page = await store.inventory.listCertificates({ ...query, after, limit: size });
        seen.push(...page.map((e) => e.certificate.fingerprintSha256));
        const last = page.at(-1)?.position;
        if (page.length < size || last === undefined) return seen;
        after = last;
      }
    };

    it('walks every certificate exactly once in each sort, pages of 2 equal to one page', async () => {
      for (const sort of INVENTORY_SORTS) {
        const paged = await walk({ sort }, 2);
        const whole = (await store.inventory.listCertificates({ sort })).map(
          (e) => e.certificate.fingerprintSha256,
        );
        assert.deepEqual(paged, whole, sort);
        assert.equal(new Set(paged).size, 12, sort);
      }
      const byNotAfter = await walk({}, 5);
      const expected = [...certificates]
        .sort(
          (a, b) =>
            a.notAfter.getTime() - b.notAfter.getTime() ||
            (a.fingerprintSha256 < b.fingerprintSha256 ? -1 : 1),
        )
        .map((c) => c.fingerprintSha256);
      assert.deepEqual(byNotAfter, expected);
      const byOwner = await walk({ sort: 'owner' }, 4);
      assert.deepEqual(
        byOwner.map((f) => ownerOf.get(f) ?? ''),
        [...byOwner.map((f) => ownerOf.get(f) ?? '')].sort(),
      );
      // A leading `-` reverses the order, ties (by fingerprint) included.
      assert.deepEqual(await walk({ sort: '-owner' }, 4), [...byOwner].reverse());
      assert.deepEqual(
        await walk({ sort: '-subject' }, 3),
        [...(await walk({ sort: 'subject' }, 3))].reverse(),
      );
    });

    it('filters by stored owner, unowned, identity, policy finding, location kind and search', async () => {
      const alpha = await walk({ owner: 'alpha' }, 3);
      assert.equal(alpha.length, 4);
      assert.ok(alpha.every((f) => ownerOf.get(f) === 'alpha'));
      const unowned = await walk({ unowned: true }, 3);
      assert.ok(unowned.length === 4 && unowned.every((f) => ownerOf.get(f) === null));
      assert.deepEqual(await walk({ identities: ['web'] }, 3), [certificates[0]?.fingerprintSha256]);
      assert.deepEqual(await walk({ identities: [] }, 3), []);
      assert.deepEqual((await walk({ policyFinding: 'unowned' }, 3)).sort(), [...unowned].sort());
      assert.deepEqual(await walk({ locationKind: 'tls' }, 3), [certificates[11]?.fingerprintSha256]);
      assert.deepEqual(await walk({ search: 'HOST7.corp' }, 3), [certificates[7]?.fingerprintSha256]);
      const prefix = certificates[4]?.fingerprintSha256.slice(0, 8) as string;
      assert.ok((await walk({ search: prefix }, 3)).includes(certificates[4]?.fingerprintSha256 as string));
      assert.equal((await walk({ search: 'beta' }, 3)).length, 4);
      assert.deepEqual(await walk({ search: '%' }, 3), []);
    });

    it('aggregates counts and a weekly timeline by owner and severity', async () => {
      const query = { at: day(25), expiringSoonMs: 10 * 86_400_000, weeks: 26 };
      const {
        counts,
        timelineByOwner: byOwner,
        timelineBySeverity: bySeverity,
      } = await store.statistics.overview(query);
      assert.equal(counts.certificates, 12);
      assert.equal(counts.expired, 0);
      assert.equal(counts.expiringIn7Days, 9);
      assert.equal(counts.expiringIn30Days, 12);
      assert.equal(counts.unowned, 4);
      // 4 stored `unowned` findings, and 12 expiring within the 10 days.
      assert.equal(counts.findings, 16);
      assert.equal(
        byOwner.reduce((n, b) => n + b.count, 0),
        12,
      );
      assert.ok(byOwner.every((b) => b.week === 0 || b.week === 1));
      assert.ok(
        bySeverity.every((b) => b.key === 'high'),
        JSON.stringify(bySeverity),
      );
      const alpha = (await store.statistics.overview({ ...query, owner: 'alpha' })).counts;
      assert.equal(alpha.certificates, 4);
      const unowned = await store.statistics.fingerprintsWithFindings(['unowned'], 100);
      assert.equal(unowned.length, 4);
      // Batches in fingerprint order: the next starts after the last of the previous.
      const first = await store.statistics.fingerprintsWithFindings(['unowned'], 3);
      const rest = await store.statistics.fingerprintsWithFindings(['unowned'], 3, { after: first.at(-1) });
      assert.deepEqual([...first, ...rest], [...unowned].sort());
    });

    it('queries the audit trail by subject, type prefix, owner and seq', async () => {
      const first = certificates[0]?.fingerprintSha256 as string;
      const about = await store.audit.query({ subject: first, limit: 10 });
      assert.deepEqual(
        about.map((r) => r.subject),
        [first],
      );
      assert.equal((await store.audit.query({ type: 'certificate', limit: 100 })).length, 12);
      assert.equal((await store.audit.query({ type: 'certif', limit: 100 })).length, 0);
      const alpha = await store.audit.query({ ownerScope: 'alpha', limit: 100 });
      assert.equal(alpha.length, 4);
      const page = await store.audit.query({ afterSeq: 10, limit: 100 });
      assert.deepEqual(
        page.map((r) => r.seq),
        [11, 12],
      );
      const newest = await store.audit.query({ type: 'certificate', limit: 3, newest: true });
      assert.deepEqual(
        newest.map((r) => r.seq),
        [10, 11, 12],
      );
    });
  });
}
