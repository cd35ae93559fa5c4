import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationOwner } from './contact.js';
import type { Acknowledgement, DeliveryRecord } from './delivery.js';
import type { Notice } from './notice.js';
import { planNotices, type PlanNoticesInput, type PlannedCertificate } from './plan-notices.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = new Date('2026-06-01T00:00:00Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

const payments: NotificationOwner = {
  name: 'payments',
  contacts: { email: ['oncall@corp.example'], webhooks: [{ url: 'https://hooks.example/c', secret: 's' }] },
  escalation: [
    { afterMs: 4 * HOUR, contacts: { email: ['lead@corp.example'] } },
    { afterMs: 24 * HOUR, contacts: { slack: ['https://hooks.slack.example/services/T/B/x'] } },
  ],
};

function cert(
  fingerprint: string,
  daysLeft: number,
  more: Partial<PlannedCertificate> = {},
): PlannedCertificate {
  return {
    fingerprintSha256: fingerprint,
    subject: `CN=${fingerprint}.example`,
    subjectAltNames: [`${fingerprint}.example`],
    notAfter: at(daysLeft * DAY),
    locations: [],
    owner: 'payments',
    findings: [],
    ...more,
  };
}

function plan(input: Partial<PlanNoticesInput>): Notice[] {
  return planNotices({
    now: T0,
    certificates: [],
    owners: [payments],
    deliveries: [],
    acknowledgements: [],
    ...input,
  });
}

/** What a table row checks: reason, level, contact of each notice, sorted. */
const summary = (notices: Notice[]): string[] =>
  notices.map((n) => `${n.subject} ${n.reasonKey} L${n.level} ${n.contactKey.split(':')[0]}`).sort();

/** The delivery log after a run that delivered every notice at `when`. */
function sent(notices: Notice[], when: Date, status: 'sent' | 'failed' = 'sent'): DeliveryRecord[] {
  return notices.map((n) => ({
    key: n.key,
    subject: n.subject,
    reasonKey: n.reasonKey,
    level: n.level,
    owner: n.owner,
    channel: n.contact.channel,
    contactKey: n.contactKey,
    contact: n.contactKey,
    status,
    attempts: 1,
    lastError: status === 'failed' ? 'connection refused' : null,
    firstAttemptAt: when,
    lastAttemptAt: when,
    sentAt: status === 'sent' ? when : null,
  }));
}

test('expiry notices go at the tightest threshold crossed only', () => {
  const rows: Array<[number, string[]]> = [
    [45, []],
    [30.5, []],
    [30, ['a expiring-30d L0 email', 'a expiring-30d L0 webhook']],
    [20, ['a expiring-30d L0 email', 'a expiring-30d L0 webhook']],
    [10, ['a expiring-14d L0 email', 'a expiring-14d L0 webhook']],
    [5, ['a expiring-7d L0 email', 'a expiring-7d L0 webhook']],
    [2, ['a expiring-3d L0 email', 'a expiring-3d L0 webhook']],
    [0.5, ['a expiring-1d L0 email', 'a expiring-1d L0 webhook']],
    [0, ['a expired L0 email', 'a expired L0 webhook']],
    [-400, ['a expired L0 email', 'a expired L0 webhook']],
  ];
  for (const [daysLeft, expected] of rows) {
    assert.deepEqual(
      summary(plan({ certificates: [cert('a', daysLeft)] })),
      expected,
      `${daysLeft} days left`,
    );
  }
});

test('custom thresholds are honoured in any order', () => {
  const notices = plan({ certificates: [cert('a', 50)], thresholdsDays: [10, 60, 90] });
  assert.deepEqual(summary(notices), ['a expiring-60d L0 email', 'a expiring-60d L0 webhook']);
});

test('running again sends nothing new; a tighter threshold later sends one new notice per contact', () => {
  const certificates = [cert('a', 20)];
  const first = plan({ certificates });
  assert.equal(first.length, 2);
  const deliveries = sent(first, T0);
  assert.deepEqual(plan({ certificates, deliveries }), []);
  const later = plan({ now: at(7 * DAY), certificates, deliveries });
  assert.deepEqual(summary(later), ['a expiring-14d L0 email', 'a expiring-14d L0 webhook']);
});

test('a failed delivery is due again on the next run; a sent one is not', () => {
  const certificates = [cert('a', 20)];
  const first = plan({ certificates });
  const email = first.filter((n) => n.contact.channel === 'email');
  const webhook = first.filter((n) => n.contact.channel === 'webhook');
  const deliveries = [...sent(email, T0), ...sent(webhook, T0, 'failed')];
  assert.deepEqual(summary(plan({ certificates, deliveries })), ['a expiring-30d L0 webhook']);
});

test('escalation: each level once its `after` has passed since the level-0 notice, unless acknowledged', () => {
  const certificates = [cert('a', 5)];
  const level0 = sent(plan({ certificates }), T0);
  const rows: Array<{ now: number; acks?: Acknowledgement[]; expected: string[] }> = [
    { now: 4 * HOUR - 1, expected: [] },
    { now: 4 * HOUR, expected: ['a expiring-7d L1 email'] },
    { now: 30 * HOUR, expected: ['a expiring-7d L1 email', 'a expiring-7d L2 slack'] },
    { now: 30 * HOUR, acks: [{ fingerprintSha256: 'a', by: 'ann', at: at(HOUR) }], expected: [] },
    // An acknowledgement given before the notice was sent does not cover it.
    {
      now: 5 * HOUR,
      acks: [{ fingerprintSha256: 'a', by: 'ann', at: at(-HOUR) }],
      expected: ['a expiring-7d L1 email'],
    },
    // Another certificate's acknowledgement does not either.
    {
      now: 5 * HOUR,
      acks: [{ fingerprintSha256: 'b', by: 'ann', at: at(HOUR) }],
      expected: ['a expiring-7d L1 email'],
    },
  ];
  for (const row of rows) {
    const notices = plan({
      now: at(row.now),
      certificates,
      deliveries: level0,
      acknowledgements: row.acks ?? [],
    });
    assert.deepEqual(summary(notices), row.expected, `at +${row.now / HOUR}h`);
  }
});

test('an escalation level goes out once, and the clock runs from the first attempt even if it failed', () => {
  const certificates = [cert('a', 5)];
  const level0 = sent(plan({ certificates }), T0, 'failed');
  const at5h = plan({ now: at(5 * HOUR), certificates, deliveries: level0 });
  assert.deepEqual(summary(at5h), [
    'a expiring-7d L0 email',
    'a expiring-7d L0 webhook',
    'a expiring-7d L1 email',
  ]);
  const after = [...sent(at5h, at(5 * HOUR))];
  assert.deepEqual(plan({ now: at(6 * HOUR), certificates, deliveries: after.concat(level0) }), []);
});

test('superseded thresholds do not escalate; the current one escalates on its own clock', () => {
  const certificates = [cert('a', 8)];
  const level0 = sent(plan({ certificates }), T0); // expiring-14d
  // 2 days later the 7-day threshold is crossed: its level 0 goes out, the 14-day episode is not escalated.
  const notices = plan({ now: at(2 * DAY), certificates, deliveries: level0 });
  assert.deepEqual(summary(notices), ['a expiring-7d L0 email', 'a expiring-7d L0 webhook']);
});

test('new findings give one notice per code; waived findings and expiry codes give none', () => {
  const certificates = [
    cert('a', 200, {
      findings: [
        { code: 'weak-key', severity: 'high', message: 'RSA 1024' },
        { code: 'weak-key', severity: 'high', message: 'duplicate code' },
        { code: 'self-signed', severity: 'medium', message: 'self-signed leaf', waivedBy: 'legacy' },
        { code: 'expiring-soon', severity: 'high', message: 'covered by expiry notices' },
      ],
    }),
  ];
  const first = plan({ certificates });
  assert.deepEqual(summary(first), ['a finding:weak-key L0 email', 'a finding:weak-key L0 webhook']);
  assert.deepEqual(plan({ certificates, deliveries: sent(first, T0) }), []);
});

test('certificates without an owner, or with an unknown owner, notify nobody', () => {
  const notices = plan({ certificates: [cert('a', 1, { owner: null }), cert('b', 1, { owner: 'ghosts' })] });
  assert.deepEqual(notices, []);
});

test('an exception expiring within 14 days notifies its owners once', () => {
  const exception = {
    name: 'legacy-plc-7',
    expires: at(10 * DAY),
    waives: ['weak-key'],
    reason: 'PLC firmware',
    owners: ['payments', 'payments', 'unknown'],
  };
  const rows: Array<[number, number]> = [
    [-5 * DAY, 0], // 15 days before expiry: not yet
    [0, 2],
    [9 * DAY, 2],
    [10 * DAY, 0], // expired: it no longer waives, nothing to announce
  ];
  for (const [now, count] of rows) {
    const notices = plan({ now: at(now), exceptions: [exception] });
    assert.equal(notices.length, count, `at ${now / DAY} days`);
    for (const n of notices) {
      assert.equal(n.subject, 'exception:legacy-plc-7');
      assert.equal(n.reasonKey, `exception-expiring:${exception.expires.toISOString().slice(0, 10)}`);
      assert.equal(n.certificate, null);
    }
  }
  const first = plan({ exceptions: [exception] });
  assert.deepEqual(plan({ now: at(DAY), exceptions: [exception], deliveries: sent(first, T0) }), []);
});

test('notice keys are unique per subject, reason, contact and level and hold no secret', () => {
  const certificates = [cert('a', 5), cert('b', -1)];
  const level0 = plan({ certificates });
  const escalated = plan({ now: at(30 * HOUR), certificates, deliveries: sent(level0, T0) });
  const keys = [...level0, ...escalated].map((n) => n.key);
  assert.equal(keys.length, 8); // 2 certificates x (2 level-0 contacts + 1 level-1 + 1 level-2)
  assert.equal(new Set(keys).size, keys.length);
  for (const key of keys) assert.ok(!key.includes('hooks.'), key);
});
