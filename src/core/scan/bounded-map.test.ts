import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedMap } from './bounded-map.js';

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('boundedMap keeps at most N calls in flight and yields every result', async () => {
  let inFlight = 0;
  let most = 0;
  const results: number[] = [];
  for await (const r of boundedMap([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, async (n) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await tick(n % 3);
    inFlight--;
    return n * 10;
  })) {
    results.push(r);
  }
  assert.equal(most, 3);
  assert.deepEqual(
    results.sort((a, b) => a - b),
    [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
  );
});

test('boundedMap pulls the source lazily: only what the slots need', async () => {
  let pulled = 0;
  function* source(): Generator<number> {
    for (let i = 0; i < 1_000_000; i++) {
      pulled++;
      yield i;
    }
  }
  let seen = 0;
  for await (const r of boundedMap(source(), 4, async (n) => n)) {
    seen++;
    if (r >= 0 && seen === 10) break;
  }
  assert.ok(pulled <= 14, `pulled ${pulled}`);
});

test('boundedMap yields results in completion order and surfaces a thrown error after in-flight calls settle', async () => {
  const order: number[] = [];
  for await (const r of boundedMap([30, 1, 15], 3, async (ms) => {
    await tick(ms);
    return ms;
  })) {
    order.push(r);
  }
  assert.deepEqual(order, [1, 15, 30]);

  let settled = 0;
  await assert.rejects(async () => {
    for await (const result of boundedMap([1, 2, 3], 3, async (n) => {
      await tick(n * 5);
      settled++;
      if (n === 1) throw new Error('boom');
      return n;
    })) {
      assert.ok(result > 0);
    }
  }, /boom/);
  assert.equal(settled, 3);
  await assert.rejects(async () => {
    for await (const result of boundedMap([1], 0, async (n) => n)) {
      assert.fail(`unexpected ${result}`);
    }
  }, RangeError);
});
