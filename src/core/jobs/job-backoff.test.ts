import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextAttemptAt, retryDelayMs } from './job-backoff.js';

const policy = { baseMs: 1_000, maxMs: 10_000 };
const fixed = (value: number) => ({ float: () => value });

test('the wait doubles with each failed attempt up to the maximum; jitter takes off up to half', () => {
  const table: Array<[attempt: number, random: number, waitMs: number]> = [
    [1, 0, 500],
    [1, 0.5, 750],
    [1, 0.999999, 1_000],
    [2, 0, 1_000],
    [3, 0.5, 3_000],
    [4, 1 - 1e-9, 8_000],
    [5, 0, 5_000], // 16 s capped at 10 s, then jittered
    [60, 0.5, 7_500], // no overflow far out
  ];
  for (const [attempt, random, waitMs] of table) {
    assert.equal(
      retryDelayMs(attempt, policy, fixed(random)),
      waitMs,
      `attempt ${attempt}, random ${random}`,
    );
  }
});

test('a job with attempts left runs again after the wait; one without is given up', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  assert.deepEqual(
    nextAttemptAt({ attempts: 2, maxAttempts: 3 }, now, policy, fixed(0)),
    new Date('2026-01-01T00:00:01Z'),
  );
  assert.equal(nextAttemptAt({ attempts: 3, maxAttempts: 3 }, now, policy, fixed(0)), null);
});
