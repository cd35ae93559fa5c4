import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryOutcome, Notifier } from '../ports/notifier.js';
import { deliverNotices, type Sleep } from './deliver-notices.js';
import { makeNotice, type Notice } from './notice.js';

const T0 = new Date('2026-06-01T00:00:00Z');

function notice(address: string, fingerprint: string, owner = 'payments'): Notice {
  return makeNotice({
    subject: fingerprint,
    reason: { kind: 'expired' },
    level: 0,
    owner,
    contact: { channel: 'email', address },
    certificate: {
      fingerprintSha256: fingerprint,
      subject: 'CN=x',
      subjectAltNames: [],
      notAfter: T0,
      locations: [],
    },
  });
}

/** A notifier answering from a script per address; records every attempt. */
function scripted(script: Record<string, Array<DeliveryOutcome | 'hang' | 'throw'>>) {
  const attempts: string[] = [];
  const notifier: Notifier = {
    channel: 'email',
    async deliver(digest, contact) {
      const address = contact.channel === 'email' ? contact.address : '';
      attempts.push(`${address} ${digest.notices.map((n) => n.subject).join(',')}`);
      const next = script[address]!.shift() ?? { ok: true };
      if (next === 'hang') return new Promise<DeliveryOutcome>(() => undefined);
      if (next === 'throw') throw new Error('boom');
      return next;
    },
  };
  return { notifier, attempts };
}

/** A sleep that returns at once (the deadline guard fires immediately when asked to wait on a hang). */
function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      if (signal === undefined) waits.push(ms);
      else await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const policy = { attempts: 3, backoffMs: 100, timeoutMs: 1_000, concurrency: 4 };
const clock = { now: () => T0 };

test('a failing notice is tried `attempts` times with exponential backoff, then reported with the last error', async () => {
  const { notifier, attempts } = scripted({
    'a@x': [
      { ok: false, error: 'e1' },
      { ok: false, error: 'e2' },
      { ok: false, error: 'e3' },
    ],
  });
  const { sleep, waits } = recordingSleep();
  const [result] = await deliverNotices(
    { notifiers: { email: notifier }, clock, sleep },
    [notice('a@x', 'f1')],
    policy,
  );
  assert.deepEqual([result!.ok, result!.attempts, result!.error], [false, 3, 'e3']);
  assert.equal(attempts.length, 3);
  assert.deepEqual(waits, [100, 200]);
});

test('a retry that succeeds counts its attempts; a throw is a failed attempt', async () => {
  const { notifier } = scripted({ 'a@x': ['throw', { ok: true }] });
  const { sleep } = recordingSleep();
  const [result] = await deliverNotices(
    { notifiers: { email: notifier }, clock, sleep },
    [notice('a@x', 'f1')],
    policy,
  );
  assert.deepEqual([result!.ok, result!.attempts, result!.error], [true, 2, null]);
});

test('an attempt that never answers is cut off at the deadline', async () => {
  const { notifier } = scripted({ 'a@x': ['hang', 'hang', 'hang'] });
  const { sleep } = recordingSleep();
  const [result] = await deliverNotices(
    { notifiers: { email: notifier }, clock, sleep },
    [notice('a@x', 'f1')],
    policy,
  );
  assert.deepEqual([result!.ok, result!.attempts, result!.error], [false, 3, 'no answer within 1000 ms']);
});

test("one owner's notices to one contact go as one digest; each notice gets the digest's result", async () => {
  const { notifier, attempts } = scripted({ 'a@x': [], 'b@x': [] });
  const { sleep } = recordingSleep();
  const notices = [notice('a@x', 'f1'), notice('b@x', 'f1'), notice('a@x', 'f2')];
  const results = await deliverNotices({ notifiers: { email: notifier }, clock, sleep }, notices, policy);
  assert.deepEqual(attempts.sort(), ['a@x f1,f2', 'b@x f1']);
  assert.deepEqual(
    results.map((r) => [r.notice.subject, r.notice.contactKey, r.ok, r.attempts]),
    [
      ['f1', 'email:a@x', true, 1],
      ['f1', 'email:b@x', true, 1],
      ['f2', 'email:a@x', true, 1],
    ],
  );
  assert.equal(results[0]!.digest, results[2]!.digest);
  assert.notEqual(results[0]!.digest, results[1]!.digest);
});

test('a contact that exhausted its attempts is not tried again this run; other contacts still are', async () => {
  const dead = { ok: false, error: 'refused' } as const;
  const { notifier, attempts } = scripted({ 'dead@x': [dead, dead, dead], 'live@x': [] });
  const { sleep } = recordingSleep();
  // Two owners share the dead contact: two digests, the second not tried once the first has failed.
  const notices = [
    notice('dead@x', 'f1'),
    notice('dead@x', 'f2', 'billing'),
    notice('live@x', 'f1'),
    notice('live@x', 'f2', 'billing'),
  ];
  const results = await deliverNotices({ notifiers: { email: notifier }, clock, sleep }, notices, policy);
  assert.deepEqual(
    results.map((r) => [r.notice.subject, r.ok, r.attempts]),
    [
      ['f1', false, 3],
      ['f2', false, 0],
      ['f1', true, 1],
      ['f2', true, 1],
    ],
  );
  assert.match(results[1]!.error!, /not tried: the contact failed earlier in this run \(refused\)/);
  assert.equal(attempts.filter((a) => a.startsWith('dead@x')).length, 3);
});

test('hooks: each digest is handed over once delivered, a notice dropped before sending is left out of its digest', async () => {
  const { notifier, attempts } = scripted({ 'a@x': [], 'b@x': [] });
  const { sleep } = recordingSleep();
  const handed: string[][] = [];
  const results = await deliverNotices(
    { notifiers: { email: notifier }, clock, sleep },
    [notice('a@x', 'f1'), notice('a@x', 'f2'), notice('a@x', 'f3', 'billing'), notice('b@x', 'f4')],
    policy,
    {
      // Another run took f2 over: it goes in no digest of this run.
      sending: async (notices) => notices.filter((n) => n.subject !== 'f2'),
      delivered: async (digest) => void handed.push(digest.map((r) => r.notice.subject)),
    },
  );
  assert.deepEqual(attempts.sort(), ['a@x f1', 'a@x f3', 'b@x f4']);
  assert.deepEqual(handed.sort(), [['f1'], ['f3'], ['f4']]);
  assert.deepEqual(
    results.map((r) => r.notice.subject),
    ['f1', 'f3', 'f4'],
  );
});

test('hooks: when recording a digest fails, no further digest is sent and the error is thrown', async () => {
  const { notifier, attempts } = scripted({ 'a@x': [] });
  const { sleep } = recordingSleep();
  await assert.rejects(
    deliverNotices(
      { notifiers: { email: notifier }, clock, sleep },
      [notice('a@x', 'f1'), notice('a@x', 'f2', 'billing'), notice('a@x', 'f3', 'ops')],
      policy,
      {
        sending: async (notices) => notices,
        delivered: async () => {
          throw new Error('the store is gone');
        },
      },
    ),
    /the store is gone/,
  );
  assert.deepEqual(attempts, ['a@x f1'], 'nothing is sent that could not be recorded');
});
