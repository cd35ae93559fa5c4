import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renewalTime } from './renewal-time.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);
const random = (value: number) => ({ float: () => value });

test('renewal time: 2/3 of the lifetime by default, renewBefore wins, jitter takes off up to 10% of the window', () => {
  const table: Array<{
    name: string;
    lifetimeH: number;
    renewBeforeH: number | null;
    random: number;
    expectH: number;
  }> = [
    { name: 'default: 2/3 of 24h', lifetimeH: 24, renewBeforeH: null, random: 0, expectH: 16 },
    { name: 'default: 2/3 of 90d', lifetimeH: 2160, renewBeforeH: null, random: 0, expectH: 1440 },
    { name: 'renewBefore 8h of 24h', lifetimeH: 24, renewBeforeH: 8, random: 0, expectH: 16 },
    { name: 'renewBefore 2h of 24h', lifetimeH: 24, renewBeforeH: 2, random: 0, expectH: 22 },
    {
      name: 'renewBefore not shorter than the lifetime: default',
      lifetimeH: 24,
      renewBeforeH: 24,
      random: 0,
      expectH: 16,
    },
    { name: 'renewBefore 0: default', lifetimeH: 24, renewBeforeH: 0, random: 0, expectH: 16 },
    {
      name: 'jitter at its most: 10% of 8h earlier',
      lifetimeH: 24,
      renewBeforeH: 8,
      random: 1,
      expectH: 15.2,
    },
    { name: 'half jitter on the default', lifetimeH: 24, renewBeforeH: null, random: 0.5, expectH: 15.6 },
  ];
  for (const row of table) {
    const got = renewalTime({
      notBefore: t0,
      notAfter: at(row.lifetimeH),
      renewBeforeMs: row.renewBeforeH === null ? null : row.renewBeforeH * 3_600_000,
      random: random(row.random),
    });
    assert.equal(got.toISOString(), at(row.expectH).toISOString(), row.name);
  }
});

test('renewal time is never before notBefore, whatever the jitter', () => {
  const got = renewalTime({
    notBefore: t0,
    notAfter: at(1),
    renewBeforeMs: null,
    random: random(1),
    jitter: 10,
  });
  assert.equal(got.toISOString(), t0.toISOString());
});
