import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './duration.js';
import { DomainError } from './errors.js';

test('parseDuration reads the units users write', () => {
  const cases: Array<[string, number]> = [
    ['500ms', 500],
    ['2s', 2_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['30d', 2_592_000_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text, 'x'), ms, text);
});

test('parseDuration refuses what is not a duration, naming the field', () => {
  for (const bad of ['', '30', 'd', '3 days', '-5m', '5w', '5m junk']) {
    assert.throws(
      () => parseDuration(bad, '--expiring-within'),
      (e: unknown) =>
        e instanceof DomainError &&
        e.code === 'CUSTOS_INVALID_ARGUMENT' &&
        e.message.startsWith('--expiring-within'),
      bad,
    );
  }
});

test('formatDuration prints the largest whole units', () => {
  assert.equal(formatDuration(2_592_000_000), '30d');
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(0), '0s');
});
