/**
 * The SQLite checkpoint thread: committed pages reach custos.db from a worker thread, without the writer's COMMIT
 * copying them (the writer's own wal_autocheckpoint waits for 10,000 pages; these commits write ~1,300), and the
 * data read back after the store is closed and opened again is whole.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { openSqliteEngine } from '../../src/store/sqlite-engine.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const ROWS = 50;
const ROW_BYTES = 100_000;

test('commits reach the database file from the checkpoint thread, and survive a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custos-checkpoint-'));
  dirs.push(dir);
  const file = join(dir, 'custos.db');
  const engine = await openSqliteEngine(dir);
  try {
    await engine.writeTransaction((db) =>
      sql`create table blobs (id integer primary key, body blob)`.execute(db),
    );
    const sizeBefore = (await stat(file)).size;
    for (let i = 0; i < ROWS; i++)
      await engine.writeTransaction((db) =>
        sql`insert into blobs (id, body) values (${i}, randomblob(${ROW_BYTES}))`.execute(db),
      );
    const wanted = sizeBefore + ROWS * ROW_BYTES;
    let size = 0;
    for (let waited = 0; waited < 20_000; waited += 50) {
      size = (await stat(file)).size;
      if (size >= wanted) break;
      await sleep(50);
    }
    assert.ok(size >= wanted, `custos.db is ${size} bytes, expected at least ${wanted} once checkpointed`);
  } finally {
    await engine.close();
  }
  const again = await openSqliteEngine(dir);
  try {
    const rows = await again.writeTransaction((db) =>
      sql<{ n: number; bytes: number }>`select count(*) as n, sum(length(body)) as bytes from blobs`.execute(
        db,
      ),
    );
    assert.deepEqual(rows.rows, [{ n: ROWS, bytes: ROWS * ROW_BYTES }]);
  } finally {
    await again.close();
  }
});
