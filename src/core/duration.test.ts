import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationProblem, formatDuration, MAX_TIMER_MS, parseDuration } from './duration.js';
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
    ['36500d', 36_500 * 86_400_000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text, 'x'), ms, text);
});

const refused = (what: string, pattern: RegExp) => (e: unknown) =>
  e instanceof DomainError &&
  e.code === 'CUSTOS_INVALID_ARGUMENT' &&
  e.message.startsWith(what) &&
  pattern.test(e.message);

test('parseDuration refuses what is not a duration, naming the field', () => {
  for (const bad of ['', '30', 'd', '3 days', '-5m', '5w', '5m junk']) {
    assert.throws(
      () => parseDuration(bad, '--expiring-within'),
      refused('--expiring-within', /not a duration/),
      bad,
    );
  }
});

test('a duration is bounded instead of overflowing: zero, past 100 years, past a timer', () => {
  assert.throws(() => parseDuration('0s', '--timeout'), refused('--timeout', /zero/));
  assert.throws(() => parseDuration('0d1h0m'.replace('1h', '0h'), '--timeout'), refused('--timeout', /zero/));
  assert.equal(parseDuration('0d', '--expiring-within', { allowZero: true }), 0);
  assert.throws(
    () => parseDuration('99999999999999999999d', '--expiring-within'),
    refused('--expiring-within', /longer than the 36500d allowed/),
  );
  assert.throws(() => parseDuration('36501d', 'x'), refused('x', /longer/));
  assert.throws(
    () => parseDuration('25d', '--timeout', { maxMs: MAX_TIMER_MS }),
    refused('--timeout', /longer than the 24d20h31m23s647ms allowed/),
  );
  assert.equal(parseDuration('24d', '--timeout', { maxMs: MAX_TIMER_MS }), 24 * 86_400_000);
});

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
    assert.equal(parseDuration(text, 'after', { form: 'declared' }), ms, text);
  }
});

test('any other declared duration is refused with a message that shows the form', () => {
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
  assert.match(durationProblem('999999999d') ?? '', /longer than the 36500d allowed/);
});

test('formatDuration prints the largest whole units', () => {
  assert.equal(formatDuration(2_592_000_000), '30d');
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(0), '0s');
});
