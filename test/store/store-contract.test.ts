/**
 * The Store contract, run on every dialect of DIALECTS: the same assertions on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuditEventInput } from '../../src/core/audit/audit-event.js';
import { DomainError } from '../../src/core/errors.js';
import { locationKey, type Location } from '../../src/core/inventory/location.js';
import type { SightedObject } from '../../src/core/inventory/sighting.js';
import type { Store } from '../../src/core/ports/store.js';
import { randomBytes } from 'node:crypto';
import { verifyAudit, type CheckpointToCheck } from '../../src/core/verify-audit.js';
import { hashAuditRecord } from '../../src/core/audit/audit-chain.js';
import { canonicalJson } from '../../src/core/audit/canonical-json.js';
import { signCheckpoint } from '../../src/core/audit/audit-seal.js';
import { auditKeyring } from '../../src/store/keys/audit-keyring.js';
import type { ParsedCertificate } from '../../src/pki/x509/parsed-certificate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { certificate, day, expiringOn, fileAt } from './fixtures.js';

const certificateObject = (c: ParsedCertificate): SightedObject => ({
  type: 'certificate',
  fingerprintSha256: c.fingerprintSha256,
});
const keyObject = (c: ParsedCertificate): SightedObject => ({
  type: 'key',
  publicKeySha256: c.publicKeySha256,
});
const at = (location: Location, object: SightedObject) => ({ locationKey: locationKey(location), object });

function events(count: number, from = 0): AuditEventInput[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'test.event',
    actor: 'test:contract',
    subject: `subject-${from + i}`,
    at: day(from + i),
    data: { n: from + i, nested: { list: [1, 'two', null], when: day(1).toISOString() } },
  }));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function paths(sightings: Array<{ location: Location }>): string[] {
  return sightings.map((s) => (s.location.kind === 'file' ? s.location.path : s.location.kind)).sort();
}

for (const dialect of DIALECTS) {
  describe(`Store contract on ${dialect.name}`, () => {
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

    it('seals a chain written before the keyed chain (0009-audit-keys) once, and verifies it', async () => {
      await store.transaction((tx) => tx.appendAudit(events(3)));
      await store.close();
      // The database as an earlier Custos left it: no MAC columns, 0009 not applied.
      await db.exec('alter table audit_events drop column mac');
      await db.exec('alter table audit_head drop column mac');
      await db.exec('alter table audit_head drop column key_id');
      await db.exec(`delete from kysely_migration where name = '0009-audit-keys'`);
      store = await openStore(db.options);
      assert.deepEqual(await verifyAudit({ store, auditKeys: db.options.auditKeys }), {
        ok: true,
        records: 3,
        break: null,
      });
      await store.transaction((tx) => tx.appendAudit(events(1, 3)));
      assert.equal((await verifyAudit({ store, auditKeys: db.options.auditKeys })).records, 4);
    });

    it('applies its migrations once: reopening keeps the data and runs none again', async () => {
      const a = await certificate();
      await store.transaction((tx) => tx.inventory.insertCertificates([a], day(0)));
      await store.close();
      store = await openStore(db.options);
      assert.equal(store.dialect, dialect.name);
      assert.equal(await store.inventory.countCertificates(), 1);
      const applied = await db.query<{ name: string }>('select name from kysely_migration order by name');
      assert.deepEqual(
        applied.map((row) => row.name),
        Object.keys(MIGRATIONS),
      );
    });

    it('stores a certificate once and finds it by fingerprint prefix', async () => {
      const [a, b, c] = await Promise.all([certificate(), certificate(), certificate()]);
      await store.transaction((tx) => tx.inventory.insertCertificates([a, b, a], day(0)));
      await store.transaction((tx) => tx.inventory.insertCertificates([a], day(5)));
      const known = await store.transaction((tx) =>
        tx.inventory.knownCertificates([a.fingerprintSha256, b.fingerprintSha256, c.fingerprintSha256]),
      );
      assert.deepEqual(known, new Set([a.fingerprintSha256, b.fingerprintSha256]));
      assert.equal(await store.inventory.countCertificates(), 2);

      const found = await store.inventory.certificatesByPrefix(a.fingerprintSha256.slice(0, 6));
      assert.deepEqual(found, [{ ...a, firstDiscovered: day(0) }]);
      const upper = await store.inventory.certificatesByPrefix(
        a.fingerprintSha256.slice(0, 10).toUpperCase(),
      );
      assert.deepEqual(
        upper.map((x) => x.fingerprintSha256),
        [a.fingerprintSha256],
      );
      const both = await store.inventory.certificatesByPrefix('', 5);
      assert.deepEqual(
        both.map((x) => x.fingerprintSha256),
        [a.fingerprintSha256, b.fingerprintSha256].sort(),
      );
      assert.deepEqual(await store.inventory.certificatesByPrefix('zz'), []);
    });

    it('starts, touches and ends sightings and keeps their history', async () => {
      const a = await certificate();
      const file = fileAt('/srv/app/tls.pem');
      const tls: Location = {
        kind: 'tls',
        host: 'api.example',
        port: 443,
        sni: 'api.example',
        address: null,
      };
      await store.transaction(async (tx) => {
        await tx.inventory.insertCertificates([a], day(0));
        await tx.inventory.startSightings(
          [
            { location: file, object: certificateObject(a) },
            { location: file, object: keyObject(a) },
            { location: tls, object: certificateObject(a) },
          ],
          day(0),
        );
      });
      await store.transaction((tx) => tx.inventory.touchSightings([at(file, certificateObject(a))], day(1)));
      await store.transaction((tx) =>
        tx.inventory.endSightings([at(file, keyObject(a)), at(tls, certificateObject(a))], day(2), 'gone'),
      );
      assert.deepEqual(await store.inventory.countLocations(), {
        file: 1,
        tls: 0,
        'k8s-secret': 0,
        agent: 0,
        issued: 0,
      });

      const open = await store.transaction((tx) =>
        tx.inventory.openSightingsAt([locationKey(file), locationKey(tls)]),
      );
      assert.deepEqual(open, [
        {
          location: file,
          locationKey: 'file:/srv/app/tls.pem',
          object: certificateObject(a),
          firstSeen: day(0),
          lastSeen: day(1),
          endedAt: null,
        },
      ]);
      // Seen again at the TLS endpoint: a new sighting, the ended one stays in the history.
      await store.transaction((tx) =>
        tx.inventory.startSightings([{ location: tls, object: certificateObject(a) }], day(3)),
      );
      const history = await store.inventory.sightingsOf(a.fingerprintSha256);
      assert.deepEqual(
        history.map((s) => [s.locationKey, s.firstSeen, s.lastSeen, s.endedAt]),
        [
          ['file:/srv/app/tls.pem', day(0), day(1), null],
          ['tls:api.example:443:api.example', day(0), day(0), day(2)],
          ['tls:api.example:443:api.example', day(3), day(3), null],
        ],
      );
      assert.deepEqual(history[1]?.location, tls);
    });

    it('finds open file sightings and file states below a root by path, not by string prefix', async () => {
      const a = await certificate();
      const inside = ['/srv/a', '/srv/a/x.pem', '/srv/a/sub/y.pem'];
      const outside = ['/srv/ab/z.pem', '/srv/a%/w.pem', '/srv/a_/v.pem', '/srv/a.pem', '/srv/A/u.pem'];
      const k8s: Location = { kind: 'k8s-secret', cluster: 'c', namespace: 'n', name: 'srv' };
      await store.transaction(async (tx) => {
        await tx.inventory.insertCertificates([a], day(0));
        await tx.inventory.startSightings(
          [...inside, ...outside, '/srv/a/ended.pem']
            .map((path) => ({ location: fileAt(path) as Location, object: certificateObject(a) }))
            .concat([{ location: k8s, object: certificateObject(a) }]),
          day(0),
        );
        await tx.inventory.endSightings(
          [at(fileAt('/srv/a/ended.pem'), certificateObject(a))],
          day(1),
          'gone',
        );
      });
      const under = await store.transaction((tx) => tx.inventory.openFileSightingsUnder(['/srv/a']));
      assert.deepEqual(paths(under), [...inside].sort());
      const trailing = await store.transaction((tx) =>
        tx.inventory.openFileSightingsUnder(['/srv/a/', '/srv/a/sub']),
      );
      assert.deepEqual(paths(trailing), [...inside].sort());
      const everything = await store.transaction((tx) => tx.inventory.openFileSightingsUnder(['/']));
      assert.deepEqual(paths(everything), [...inside, ...outside].sort());

      const state = (path: string, size = 1) => ({
        path,
        size,
        mtimeMs: 1.5e12 + 0.25,
        ctimeMs: 1.6e12,
        inode: 2 ** 40,
        problems: [] as Array<{ code: string; message: string }>,
        passwordsTried: null as string | null,
      });
      await store.transaction((tx) =>
        tx.inventory.putFileStates([...inside, ...outside].map((path) => state(path))),
      );
      const states = await store.transaction((tx) => tx.inventory.fileStatesUnder(['/srv/a']));
      assert.deepEqual(
        states.sort((x, y) => (x.path < y.path ? -1 : 1)),
        [...inside].sort().map((path) => state(path)),
      );
      const broken = {
        ...state('/srv/a/x.pem', 7),
        problems: [
          { code: 'CUSTOS_FILE_TRUNCATED', message: 'cut short' },
          { code: 'CUSTOS_KEY_ENCRYPTED', message: 'no password opens it' },
        ],
        passwordsTried: 'a'.repeat(64),
      };
      await store.transaction(async (tx) => {
        await tx.inventory.putFileStates([broken]);
        await tx.inventory.deleteFileStates(['/srv/a/sub/y.pem', '/srv/a']);
      });
      assert.deepEqual(await store.transaction((tx) => tx.inventory.fileStatesUnder(['/srv/a'])), [broken]);
    });

    it('lists certificates current now, expiring, by prefix, at a moment, and retired', async () => {
      const [c1, c2, c3, c4, c5] = (await Promise.all(
        [10, 40, 20, 30, 50].map((days) => certificate(expiringOn(day(days)))),
      )) as [ParsedCertificate, ParsedCertificate, ParsedCertificate, ParsedCertificate, ParsedCertificate];
      const write = (work: Parameters<Store['transaction']>[0]) => store.transaction(work);
      await write((tx) => tx.inventory.insertCertificates([c1, c2, c3, c4, c5], day(-20)));
      await write((tx) =>
        tx.inventory.startSightings(
          [
            { location: fileAt('/x/1.pem'), object: certificateObject(c1) },
            { location: fileAt('/x/1.pem'), object: keyObject(c1) },
            { location: fileAt('/x/2.pem'), object: certificateObject(c2) },
            { location: fileAt('/x/old.pem'), object: certificateObject(c2) },
          ],
          day(-10),
        ),
      );
      await write((tx) =>
        tx.inventory.endSightings([at(fileAt('/x/old.pem'), certificateObject(c2))], day(-5), 'gone'),
      );
      await write((tx) =>
        tx.inventory.startSightings(
          [{ location: fileAt('/x/3.pem'), object: certificateObject(c3) }],
          day(1),
        ),
      );
      await write((tx) =>
        tx.inventory.endSightings([at(fileAt('/x/3.pem'), certificateObject(c3))], day(5), 'gone'),
      );
      await write((tx) =>
        tx.inventory.startSightings(
          [{ location: fileAt('/x/4.pem'), object: certificateObject(c4) }],
          day(8),
        ),
      );

      const fingerprints = (entries: Array<{ certificate: { fingerprintSha256: string } }>) =>
        entries.map((e) => e.certificate.fingerprintSha256);
      const now = await store.inventory.listCertificates({});
      assert.deepEqual(fingerprints(now), fingerprints([c1, c4, c2].map((certificate) => ({ certificate }))));
      const [first, , last] = now;
      assert.deepEqual(paths(first?.sightings ?? []), ['/x/1.pem']);
      const { der, ...facts } = c1;
      assert.ok(der.length > 0);
      // Listings carry every field but the DER (the heaviest column, needed by no listing).
      assert.deepEqual(first?.certificate, { ...facts, firstDiscovered: day(-20) });
      assert.deepEqual(
        first?.keySightings.map((s) => [s.locationKey, s.object]),
        [['file:/x/1.pem', keyObject(c1)]],
      );
      assert.deepEqual(paths(last?.sightings ?? []), ['/x/2.pem']);
      assert.deepEqual(now[1]?.keySightings, []);

      const expiring = await store.inventory.listCertificates({ notAfterBefore: day(30) });
      assert.deepEqual(fingerprints(expiring), [c1.fingerprintSha256, c4.fingerprintSha256]);
      const byPrefix = await store.inventory.listCertificates({
        fingerprintPrefix: c2.fingerprintSha256.slice(0, 8),
      });
      assert.deepEqual(fingerprints(byPrefix), [c2.fingerprintSha256]);
      assert.deepEqual(
        fingerprints(await store.inventory.listCertificates({ limit: 2 })),
        fingerprints(now.slice(0, 2)),
      );

      // Day 3: c3 was installed (1..5), c4 not yet (from 8); c2's old location had ended (-10..-5).
      const day3 = await store.inventory.listCertificates({ at: day(3) });
      assert.deepEqual(fingerprints(day3), [
        c1.fingerprintSha256,
        c3.fingerprintSha256,
        c2.fingerprintSha256,
      ]);
      assert.deepEqual(paths(day3[2]?.sightings ?? []), ['/x/2.pem']);
      assert.deepEqual(
        day3[1]?.sightings.map((s) => s.endedAt),
        [day(5)],
      );
      const day5 = await store.inventory.listCertificates({ at: day(5) });
      assert.deepEqual(fingerprints(day5), [c1.fingerprintSha256, c2.fingerprintSha256]);
      const before = await store.inventory.listCertificates({ at: day(-7) });
      assert.deepEqual(paths(before[1]?.sightings ?? []), ['/x/2.pem', '/x/old.pem']);

      const all = await store.inventory.listCertificates({ includeRetired: true });
      assert.deepEqual(
        fingerprints(all),
        [c1, c3, c4, c2, c5].map((c) => c.fingerprintSha256),
      );
      assert.deepEqual(
        all[1]?.sightings.map((s) => [s.locationKey, s.firstSeen, s.endedAt]),
        [['file:/x/3.pem', day(1), day(5)]],
      );
      assert.deepEqual(paths(all[3]?.sightings ?? []), ['/x/2.pem']);
      assert.deepEqual(all[4]?.sightings, []);
    });

    it('finds the keys sighted at locations, now or at a moment', async () => {
      const [a, b] = await Promise.all([certificate(), certificate()]);
      const file = fileAt('/etc/tls/server.pem');
      await store.transaction(async (tx) => {
        await tx.inventory.insertCertificates([a], day(0));
        await tx.inventory.startSightings(
          [
            { location: file, object: certificateObject(a) },
            { location: file, object: keyObject(b) },
            { location: fileAt('/elsewhere.pem'), object: keyObject(a) },
          ],
          day(0),
        );
      });
      await store.transaction((tx) => tx.inventory.endSightings([at(file, keyObject(b))], day(4), 'gone'));
      const now = await store.inventory.keySightingsAt([locationKey(file)]);
      assert.deepEqual(now, []);
      const then = await store.inventory.keySightingsAt([locationKey(file)], day(2));
      assert.deepEqual(
        then.map((s) => [s.locationKey, s.object, s.endedAt]),
        [['file:/etc/tls/server.pem', keyObject(b), day(4)]],
      );
    });
    it('writes nothing of a transaction whose work throws, audit events included', async () => {
      const a = await certificate();
      const boom = new Error('the caller gave up');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.inventory.insertCertificates([a], day(0));
          await tx.inventory.startSightings(
            [{ location: fileAt('/x.pem'), object: certificateObject(a) }],
            day(0),
          );
          await tx.inventory.putFileStates([
            { path: '/x.pem', size: 1, mtimeMs: 1, ctimeMs: 1, inode: 1, problems: [], passwordsTried: null },
          ]);
          await tx.appendAudit(events(3));
          throw boom;
        }),
        (error) => error === boom,
      );
      await assertEmpty(store);
    });

    it('fails a transaction whose statement fails as CUSTOS_STORE_FAILED, even when the work carries on', async () => {
      const [a, b] = await Promise.all([certificate(), certificate()]);
      const sighting = { location: fileAt('/x.pem'), object: certificateObject(a) };
      let caught: unknown;
      const outcome = store.transaction(async (tx) => {
        await tx.inventory.insertCertificates([a], day(0));
        await tx.inventory.startSightings([sighting], day(0));
        // A certificate without a serial number breaks a NOT NULL constraint: the database refuses it.
        const broken = { ...b, serialNumber: null as unknown as string };
        await tx.inventory.insertCertificates([broken], day(1)).catch((error: unknown) => (caught = error));
        await tx.appendAudit(events(1));
        return 'done';
      });
      await assert.rejects(outcome, (error) => {
        assert.ok(error instanceof DomainError);
        assert.equal(error.code, 'CUSTOS_STORE_FAILED');
        assert.ok(error.cause instanceof Error, 'the driver error is kept as the cause');
        assert.equal(error, caught);
        return true;
      });
      await assertEmpty(store);
    });

    it('keeps the open sighting when the same one is started again (two scans that met)', async () => {
      const a = await certificate();
      const sighting = { location: fileAt('/x.pem'), object: certificateObject(a) };
      await store.transaction(async (tx) => {
        await tx.inventory.insertCertificates([a], day(0));
        await tx.inventory.startSightings([sighting], day(0));
      });
      await store.transaction((tx) => tx.inventory.startSightings([sighting], day(1)));
      const sightings = await store.inventory.sightingsOf(a.fingerprintSha256);
      assert.deepEqual(
        sightings.map((s) => [s.locationKey, s.firstSeen, s.endedAt]),
        [['file:/x.pem', day(0), null]],
      );
    });

    it('fails the whole transaction as CUSTOS_AUDIT_WRITE_FAILED when its audit events cannot be written', async () => {
      await refuseAuditInserts(db, dialect.name);
      const a = await certificate();
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.inventory.insertCertificates([a], day(0));
          await tx.appendAudit(events(2));
        }),
        (error) => {
          assert.ok(error instanceof DomainError);
          assert.equal(error.code, 'CUSTOS_AUDIT_WRITE_FAILED');
          assert.match(String((error.cause as Error).message), /audit refused/);
          return true;
        },
      );
      await assertEmpty(store);
    });

    it('chains audit events across transactions and streams them back in order', async () => {
      await store.transaction((tx) => tx.appendAudit(events(1)));
      await store.transaction((tx) => tx.appendAudit(events(2, 1)));
      await store.transaction(async (tx) => {
        await tx.appendAudit([]);
        await tx.appendAudit(events(2500, 3));
      });
      const records = await collect(store.audit.records());
      assert.equal(records.length, 2503);
      assert.deepEqual(
        records.map((r) => r.seq),
        Array.from({ length: 2503 }, (_, i) => i + 1),
      );
      const { seq, prevHash, hash, mac, ...content } = records[4] as (typeof records)[number];
      assert.deepEqual(content, events(1, 4)[0]);
      assert.equal(seq, 5);
      assert.equal(prevHash, records[3]?.hash);
      assert.match(hash, /^[0-9a-f]{64}$/);
      assert.match(mac ?? '', /^[0-9a-f]{64}$/);
      const head = await store.audit.head();
      assert.deepEqual(
        { seq: head?.seq, hash: head?.hash, keyId: head?.keyId },
        { seq: 2503, hash: records[2502]?.hash, keyId: db.options.auditKeys.keyId },
      );
      assert.deepEqual(await verifyAudit({ store, auditKeys: db.options.auditKeys }), {
        ok: true,
        records: 2503,
        break: null,
      });

      const after = await collect(store.audit.records({ afterSeq: 2490 }));
      assert.deepEqual(
        after.map((r) => r.seq),
        [2491, 2492, 2493, 2494, 2495, 2496, 2497, 2498, 2499, 2500, 2501, 2502, 2503],
      );
      const since = await collect(store.audit.records({ since: day(2500) }));
      assert.deepEqual(
        since.map((r) => r.seq),
        [2501, 2502, 2503],
      );
    });

    it('keeps one unbroken chain when two stores on the same database append at once', async () => {
      const other = await openStore(db.options);
      try {
        const append = (target: Store, n: number) =>
          target.transaction(async (tx) => {
            await tx.inventory.knownCertificates([]);
            await new Promise((resolve) => setImmediate(resolve));
            await tx.appendAudit(events(3, n * 3));
          });
        await Promise.all(Array.from({ length: 12 }, (_, n) => append(n % 2 === 0 ? store : other, n)));
        const verification = await verifyAudit({ store: other, auditKeys: db.options.auditKeys });
        assert.deepEqual(verification, { ok: true, records: 36, break: null });
        const subjects = (await collect(store.audit.records())).map((r) => r.subject).sort();
        assert.deepEqual(
          subjects,
          events(36)
            .map((e) => e.subject)
            .sort(),
        );
      } finally {
        await other.close();
      }
    });

    describe('catches tampering done behind its back', () => {
      beforeEach(async () => {
        await store.transaction((tx) => tx.appendAudit(events(3)));
        await store.transaction((tx) => tx.appendAudit(events(2, 3)));
        assert.equal((await verifyAudit({ store, auditKeys: db.options.auditKeys })).ok, true);
      });

      it('an edited record', async () => {
        await db.exec(`update audit_events set data = '{"n":99}' where seq = 3`);
        assert.deepEqual(brokenAt(await verifyAudit({ store, auditKeys: db.options.auditKeys })), {
          kind: 'altered',
          seq: 3,
        });
      });

      it('a record that is not JSON any more', async () => {
        await db.exec(`update audit_events set data = 'not json' where seq = 2`);
        assert.deepEqual(brokenAt(await verifyAudit({ store, auditKeys: db.options.auditKeys })), {
          kind: 'altered',
          seq: 2,
        });
      });

      it('a deleted record in the middle', async () => {
        await db.exec('delete from audit_events where seq = 3');
        assert.deepEqual(brokenAt(await verifyAudit({ store, auditKeys: db.options.auditKeys })), {
          kind: 'removed',
          seq: 3,
        });
      });

      it('two records swapped', async () => {
        await db.exec('update audit_events set seq = -2 where seq = 2');
        await db.exec('update audit_events set seq = 2 where seq = 3');
        await db.exec('update audit_events set seq = 3 where seq = -2');
        assert.deepEqual(brokenAt(await verifyAudit({ store, auditKeys: db.options.auditKeys })), {
          kind: 'relinked',
          seq: 2,
        });
      });

      it('a deleted middle record with the rest renumbered', async () => {
        await db.exec('delete from audit_events where seq = 2');
        await db.exec('update audit_events set seq = seq - 1 where seq > 2');
        await db.exec('update audit_head set seq = seq - 1');
        assert.deepEqual(brokenAt(await verifyAudit({ store, auditKeys: db.options.auditKeys })), {
          kind: 'relinked',
          seq: 2,
        });
      });

      const verify = (checkpoints: CheckpointToCheck[] = []) =>
        verifyAudit({ store, auditKeys: db.options.auditKeys }, checkpoints);

      it('a record edited and the chain after it recomputed with the public hash function', async () => {
        const rows = await db.query<{
          seq: number;
          type: string;
          actor: string;
          subject: string;
          at: number;
        }>('select seq, type, actor, subject, at from audit_events where seq >= 3 order by seq');
        let prevHash = (await collect(store.audit.records())).find((r) => r.seq === 2)?.hash ?? '';
        for (const row of rows) {
          const data = row.seq === 3 ? { n: 99 } : { n: Number(row.seq) };
          const record = { ...row, at: new Date(Number(row.at)), data, prevHash };
          const hash = hashAuditRecord(record);
          await db.exec(
            `update audit_events set data = '${canonicalJson(data)}', prev_hash = '${prevHash}', hash = '${hash}' where seq = ${row.seq}`,
          );
          await db.exec(`update audit_head set hash = '${hash}' where seq = ${row.seq}`);
          prevHash = hash;
        }
        assert.deepEqual(brokenAt(await verify()), { kind: 'forged', seq: 3 });
      });

      it('the newest records deleted and the head moved back', async () => {
        const third = (await collect(store.audit.records())).find((r) => r.seq === 3);
        await db.exec('delete from audit_events where seq > 3');
        await db.exec(`update audit_head set seq = 3, hash = '${third?.hash}'`);
        const verification = await verify();
        assert.deepEqual(brokenAt(verification), { kind: 'head', seq: 3 });
        assert.match(verification.break?.message ?? '', /head \(record 3\).*MAC does not verify/);
        await assert.rejects(
          store.transaction((tx) => tx.appendAudit(events(1, 9))),
          (error: unknown) => error instanceof DomainError && error.code === 'CUSTOS_AUDIT_CHAIN_BROKEN',
          'nothing is appended onto a head this key did not seal',
        );
      });

      it('the head row deleted', async () => {
        await db.exec('delete from audit_head');
        const verification = await verify();
        assert.deepEqual(brokenAt(verification), { kind: 'head', seq: 5 });
        assert.match(verification.break?.message ?? '', /head row was deleted/);
      });

      it('every record wiped and the head reset to an empty chain', async () => {
        await db.exec('delete from audit_events');
        await db.exec(`update audit_head set seq = 0, hash = '${'0'.repeat(64)}'`);
        assert.deepEqual(brokenAt(await verify()), { kind: 'head', seq: 0 });
      });

      it('a chain sealed by another audit key', async () => {
        const verification = await verifyAudit({ store, auditKeys: auditKeyring(randomBytes(32)) });
        assert.deepEqual(brokenAt(verification), { kind: 'head', seq: 5 });
        assert.match(
          verification.break?.message ?? '',
          /sealed with audit key [0-9a-f]{16}, but the key in use is/,
        );
      });

      it('a truncation back to an older head (replayed with its MAC) is caught by a checkpoint', async () => {
        const keys = db.options.auditKeys;
        const newest = await store.audit.head();
        assert.ok(newest);
        const checkpoint = signCheckpoint(keys, newest, day(9));
        const [old] = await db.query<{ seq: number; hash: string; mac: string }>('select * from audit_head');
        await store.transaction((tx) => tx.appendAudit(events(2, 5)));
        await db.exec('delete from audit_events where seq > 5');
        await db.exec(`update audit_head set seq = ${old?.seq}, hash = '${old?.hash}', mac = '${old?.mac}'`);
        assert.equal((await verify()).ok, true, 'a replayed head alone is the documented limit');
        assert.equal((await verify([{ source: 'cp.json', checkpoint }])).ok, true);
        await db.exec('delete from audit_events where seq > 3');
        await db.exec(`update audit_head set seq = 3, hash = (select hash from audit_events where seq = 3)`);
        const truncated = await verify([{ source: 'cp.json', checkpoint }]);
        assert.deepEqual(brokenAt(truncated), { kind: 'checkpoint', seq: 4 });
        assert.match(
          truncated.break?.message ?? '',
          /records 4\.\.5 were removed: checkpoint cp\.json vouches for record 5/,
        );
      });

      it('a checkpoint whose record was rewritten, or that another key signed', async () => {
        const checkpoint = signCheckpoint(db.options.auditKeys, { seq: 4, hash: 'f'.repeat(64) }, day(9));
        assert.deepEqual(brokenAt(await verify([{ source: 'cp.json', checkpoint }])), {
          kind: 'checkpoint',
          seq: 4,
        });
        const foreign = signCheckpoint(
          auditKeyring(randomBytes(32)),
          { seq: 4, hash: 'f'.repeat(64) },
          day(9),
        );
        const verification = await verify([{ source: 'other.json', checkpoint: foreign }]);
        assert.match(verification.break?.message ?? '', /checkpoint other\.json was signed by audit key/);
      });

      it('the newest record deleted (the head no longer matches)', async () => {
        await db.exec('delete from audit_events where seq = 5');
        const verification = await verifyAudit({ store, auditKeys: db.options.auditKeys });
        assert.deepEqual(brokenAt(verification), { kind: 'removed', seq: 5 });
        assert.match(verification.break?.message ?? '', /head is 5/);
      });
    });
  });
}

function brokenAt(verification: Awaited<ReturnType<typeof verifyAudit>>) {
  assert.equal(verification.ok, false);
  return { kind: verification.break?.kind, seq: verification.break?.seq };
}

async function assertEmpty(store: Store): Promise<void> {
  assert.equal(await store.inventory.countCertificates(), 0);
  assert.deepEqual(await store.inventory.listCertificates({ includeRetired: true }), []);
  assert.deepEqual(await store.transaction((tx) => tx.inventory.fileStatesUnder(['/'])), []);
  assert.deepEqual(await store.transaction((tx) => tx.inventory.openFileSightingsUnder(['/'])), []);
  assert.deepEqual(await collect(store.audit.records()), []);
  assert.equal((await store.audit.head())?.seq, 0);
}

/** Makes the database refuse audit inserts, as a full disk or a revoked grant would. */
async function refuseAuditInserts(db: TestDatabase, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'sqlite') {
    await db.exec(
      `create trigger refuse_audit before insert on audit_events begin select raise(abort, 'audit refused'); end`,
    );
    return;
  }
  await db.exec(`create function refuse_audit() returns trigger language plpgsql as $$
    begin raise exception 'audit refused'; end $$`);
  await db.exec(
    'create trigger refuse_audit before insert on audit_events for each row execute function refuse_audit()',
  );
}
