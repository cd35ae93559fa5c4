import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declaredDurationMs, durationProblem } from './duration.js';

test('declared durations are one whole number and one unit of s, m, h, d', () => {
  const table: Array<[string, number]> = [
    ['2s', 2_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['7d', 604_800_000],
    ['398d', 398 * 86_400_000],
  ];
  for (const [text, ms] of table) {
    assert.equal(durationProblem(text), null, text);
    assert.equal(declaredDurationMs(text, 'after'), ms, text);
  }
});

test('anything else is refused with a message that shows the form', () => {
  for (const text of [
    '',
    '0s',
    '5',
    's',
    '1.5h',
    '1h30m',
    '2w',
    '3M',
    '-1d',
    ' 5m',
    '5 m',
    '5ms',
    '07d',
    '4H',
  ]) {
    assert.match(
      durationProblem(text) ?? '',
      /is not a duration: .*e\.g\. 2s, 5m, 4h, 7d/,
      JSON.stringify(text),
    );
  }
});
