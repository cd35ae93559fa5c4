/**
 * The SQLite read thread (the dashboard summary's pass over every certificate runs there): it answers reads from its
 * own connection, refuses a read after the store is closed instead of starting a thread nothing stops, and a read it
 * cannot send (parameters that cannot be cloned) fails at once instead of holding the process open for ever (this
 * file's process must exit for the test to end).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CompiledQuery } from 'kysely';
import { openSqliteEngine } from '../../src/store/sqlite-engine.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function anEngine() {
  const dir = await mkdtemp(join(tmpdir(), 'custos-read-thread-'));
  dirs.push(dir);
  return openSqliteEngine(dir);
}

test('a read aside is answered by the thread; after close it is refused', async () => {
  const engine = await anEngine();
  const rows = await engine.readAside(
    CompiledQuery.raw('select ? + 1 as answer', [41]) as CompiledQuery<{ answer: number }>,
  );
  assert.deepEqual(rows, [{ answer: 42 }]);
  await engine.close();
  await assert.rejects(engine.readAside(CompiledQuery.raw('select 1 as one', [])), /the store is closed/);
});

test('a read whose parameters cannot be sent fails at once, and the next read is answered', async () => {
  const engine = await anEngine();
  try {
    await assert.rejects(
      engine.readAside(CompiledQuery.raw('select ? as x', [() => 1])),
      (error: unknown) => error instanceof Error && /could not be cloned/i.test(error.message),
    );
    assert.deepEqual(await engine.readAside(CompiledQuery.raw('select 7 as seven', [])), [{ seven: 7 }]);
  } finally {
    await engine.close();
  }
});
