import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderedMap } from './ordered-map.js';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('orderedMap keeps at most N calls in flight and yields in the order of the source', async () => {
  let inFlight = 0;
  let most = 0;
  const results: number[] = [];
  for await (const r of orderedMap([30, 1, 15, 2, 9, 4, 20, 3], 3, async (ms) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await tick(ms);
    inFlight--;
    return ms * 10;
  })) {
    results.push(r);
  }
  assert.equal(most, 3);
  assert.deepEqual(results, [300, 10, 150, 20, 90, 40, 200, 30]);
});

test('orderedMap pulls an async source lazily: only what the window needs', async () => {
  let pulled = 0;
  async function* source(): AsyncGenerator<number> {
    for (let i = 0; i < 1_000_000; i++) {
      pulled++;
      yield i;
    }
  }
  let seen = 0;
  for await (const r of orderedMap(source(), 4, async (n) => n)) {
    assert.equal(r, seen);
    seen++;
    if (seen === 10) break;
  }
  assert.ok(pulled <= 14, `pulled ${pulled}`);
});

test('orderedMap rejects with a failed call in its turn, after the calls in flight settle', async () => {
  let settled = 0;
  const yielded: number[] = [];
  await assert.rejects(async () => {
    for await (const r of orderedMap([1, 2, 3], 3, async (n) => {
      await tick(n === 2 ? 1 : 10);
      settled++;
      if (n === 2) throw new Error('boom');
      return n;
    })) {
      yielded.push(r);
    }
  }, /boom/);
  assert.deepEqual(yielded, [1]);
  assert.equal(settled, 3);
  await assert.rejects(async () => {
    for await (const r of orderedMap([1], 0, async (n) => n)) assert.fail(`unexpected ${r}`);
  }, RangeError);
});
