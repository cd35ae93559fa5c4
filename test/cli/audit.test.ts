/**
 * `custos audit verify` and `custos audit export` through the real CLI, on SQLite and on PostgreSQL: the chain
 * verifies after scans, and an edited, a deleted, a swapped record (tampered with straight in the database) makes
 * verify exit 1 naming the first bad record.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Custos } from '../support/cli.js';
import { DIALECTS } from '../store/dialects.js';
import { aScannedStore, exportAll, sqlString, type Scanned } from './audit-support.js';

async function verifyFails(custos: Custos, seq: number): Promise<void> {
  const result = await custos.run('audit', 'verify');
  assert.equal(result.code, 1, `audit verify should fail after tampering:\n${result.stdout}${result.stderr}`);
  assert.match(result.stderr, /CUSTOS_AUDIT_CHAIN_BROKEN/);
  assert.match(result.stderr, new RegExp(`\\brecords? ${seq}\\b`), `stderr should name record ${seq}`);
  assert.equal(result.stderr.trimEnd().split('\n').length, 1, 'one line on stderr');
  const json = await custos.run('audit', 'verify', '--json');
  assert.equal(json.code, 1);
  const report = json.json<{ ok: boolean; break: { seq: number } | null }>();
  assert.equal(report.ok, false);
  assert.equal(report.break?.seq, seq);
}

for (const dialect of DIALECTS) {
  describe(`custos audit on ${dialect.name}`, () => {
    const withStore = (name: string, work: (s: Scanned) => Promise<void>) =>
      test(name, async (t) => {
        if (dialect.unavailable) {
          t.skip(dialect.unavailable);
          return;
        }
        const scanned = await aScannedStore(await dialect.create());
        try {
          await work(scanned);
        } finally {
          await scanned.dispose();
        }
      });

    withStore(
      'verify exits 0 after scans; export prints JSON lines in seq order, --since filters',
      async (s) => {
        const verified = await s.custos.run('audit', 'verify');
        assert.equal(verified.code, 0, verified.stderr);
        const report = (await s.custos.run('audit', 'verify', '--json')).json<{
          ok: boolean;
          records: number;
        }>();
        const all = await exportAll(s.custos);
        assert.deepEqual(report, { ok: true, records: all.length, break: null });
        assert.deepEqual(
          all.map((r) => r.seq),
          all.map((_, i) => i + 1),
        );
        for (const [i, r] of all.entries()) {
          assert.match(r.hash, /^[0-9a-f]{64}$/);
          assert.equal(r.prevHash, i === 0 ? '0'.repeat(64) : all[i - 1]?.hash);
          assert.match(r.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        }
        assert.deepEqual(
          all.map((r) => r.type).filter((type) => type === 'scan.completed'),
          ['scan.completed', 'scan.completed'],
        );
        const since = await exportAll(s.custos, '--since', s.between);
        assert.ok(since.length > 0);
        assert.deepEqual(since, all.slice(s.firstScanRecords), 'only the second scan is at or after --since');
        assert.ok(since.every((r) => r.at >= s.between));
      },
    );

    withStore('verify names a record whose data was edited', async (s) => {
      await s.db.exec(`update audit_events set data = ${sqlString('{"tampered":true}')} where seq = 3`);
      await verifyFails(s.custos, 3);
    });

    withStore('verify names a record whose time was edited', async (s) => {
      await s.db.exec('update audit_events set at = at - 3600000 where seq = 2');
      await verifyFails(s.custos, 2);
    });

    withStore('verify names a record deleted from the middle', async (s) => {
      await s.db.exec('delete from audit_events where seq = 4');
      await verifyFails(s.custos, 4);
    });

    withStore('verify names the first of two swapped records', async (s) => {
      const rows = await s.db.query<Record<string, string | number>>(
        'select seq, type, actor, subject, at, data, prev_hash, hash from audit_events where seq in (2, 5) order by seq',
      );
      const [two, five] = rows;
      assert.ok(two && five);
      const set = (r: Record<string, string | number>) =>
        ['type', 'actor', 'subject', 'data', 'prev_hash', 'hash']
          .map((column) => `${column} = ${sqlString(String(r[column]))}`)
          .concat(`at = ${Number(r['at'])}`)
          .join(', ');
      await s.db.exec(`update audit_events set ${set(five)} where seq = 2`);
      await s.db.exec(`update audit_events set ${set(two)} where seq = 5`);
      await verifyFails(s.custos, 2);
    });

    withStore('verify notices that the newest record was deleted', async (s) => {
      const [last] = await s.db.query<{ seq: number | string }>('select max(seq) as seq from audit_events');
      await s.db.exec(`delete from audit_events where seq = ${Number(last?.seq)}`);
      await verifyFails(s.custos, Number(last?.seq));
    });
  });
}
