/**
 * Two processes writing one SQLite store (two `custos scan files` at once, a scan beside `custos serve`): a write
 * transaction waits for the write lock as long as the other writer holds it, beyond SQLite's 5 s busy timeout. A
 * first scan of 20,000 files holds the lock for ~8 s, and the second scan failed with "database is locked"
 * (CUSTOS_STORE_FAILED). Two engines on one file stand for the two processes: each has its own connection.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { openSqliteEngine } from '../../src/store/sqlite-engine.js';

let dir: string | undefined;
after(() => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })));

test('a write transaction waits for another connection holding the write lock for longer than 5 s', async () => {
  dir = await mkdtemp(join(tmpdir(), 'custos-write-lock-'));
  const first = await openSqliteEngine(dir);
  const second = await openSqliteEngine(dir);
  try {
    await first.writeTransaction((db) => sql`create table marks (who text)`.execute(db));
    const held = first.writeTransaction(async (db) => {
      await sql`insert into marks values ('first')`.execute(db);
      await sleep(6_500);
    });
    await sleep(200); // the first now holds the lock
    const started = performance.now();
    await second.writeTransaction((db) => sql`insert into marks values ('second')`.execute(db));
    const waited = performance.now() - started;
    await held;
    assert.ok(
      waited > 5_000,
      `the second writer waited ${Math.round(waited)} ms, so the first still held the lock`,
    );
    const rows = await second.writeTransaction((db) =>
      sql<{ who: string }>`select who from marks order by rowid`.execute(db),
    );
    assert.deepEqual(
      rows.rows.map((r) => r.who),
      ['first', 'second'],
    );
  } finally {
    await second.close();
    await first.close();
  }
});
