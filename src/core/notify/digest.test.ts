import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Contact } from './contact.js';
import { digestsOf } from './digest.js';
import { makeNotice, type Notice, type NoticeReason } from './notice.js';

const T0 = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const oncall: Contact = { channel: 'email', address: 'oncall@x' };
const lead: Contact = { channel: 'email', address: 'lead@x' };

function notice(
  fingerprint: string,
  daysLeft: number,
  reason: NoticeReason,
  more: Partial<Notice> = {},
): Notice {
  return makeNotice({
    subject: fingerprint,
    reason,
    level: more.level ?? 0,
    owner: more.owner ?? 'payments',
    contact: more.contact ?? oncall,
    certificate: {
      fingerprintSha256: fingerprint,
      subject: `CN=${fingerprint}`,
      subjectAltNames: [],
      notAfter: new Date(T0.getTime() + daysLeft * DAY),
      locations: [],
    },
  });
}

function exceptionNotice(name: string, daysLeft: number): Notice {
  const expires = new Date(T0.getTime() + daysLeft * DAY);
  return makeNotice({
    subject: `exception:${name}`,
    reason: {
      kind: 'exception-expiring',
      exception: { name, expires, waives: ['self-signed'], reason: 'r' },
    },
    level: 0,
    owner: 'payments',
    contact: oncall,
    certificate: null,
  });
}

const expiring = (thresholdDays: number): NoticeReason => ({ kind: 'expiring', thresholdDays });
const finding = (code: string, severity: 'critical' | 'high' | 'medium'): NoticeReason => ({
  kind: 'finding',
  finding: { code, severity, message: code },
});

test('one digest per owner and contact, in the order of their first notice', () => {
  const digests = digestsOf([
    notice('a', 5, expiring(7)),
    notice('a', 5, expiring(7), { contact: lead, level: 1 }),
    notice('b', 20, expiring(30)),
    notice('c', 20, expiring(30), { owner: 'billing' }),
  ]);
  assert.deepEqual(
    digests.map((d) => [d.owner, d.contactKey, d.level, d.notices.map((n) => n.subject)]),
    [
      ['payments', 'email:oncall@x', 0, ['a', 'b']],
      ['payments', 'email:lead@x', 1, ['a']],
      ['billing', 'email:oncall@x', 0, ['c']],
    ],
  );
  assert.match(digests[0]!.key, /^digest:[0-9a-f]{24}$/);
  assert.notEqual(digests[0]!.key, digests[2]!.key);
});

test('most urgent first: worst severity, then the earliest notAfter; exceptions last; a certificate is one row', () => {
  const [digest] = digestsOf([
    notice('later', 20, expiring(30)),
    notice('soon', 2, expiring(3)),
    exceptionNotice('legacy', 1),
    notice('mismatch', 300, finding('hostname-mismatch', 'critical')),
    notice('gone', -1, { kind: 'expired' }),
    notice('soon', 2, finding('self-signed', 'medium')),
  ]);
  assert.deepEqual(
    digest!.entries.map((e) => [e.subject, e.severity, e.notices.map((n) => n.reasonKey)]),
    [
      ['gone', 'critical', ['expired']],
      ['mismatch', 'critical', ['finding:hostname-mismatch']],
      ['soon', 'high', ['expiring-3d', 'finding:self-signed']],
      ['later', 'high', ['expiring-30d']],
      ['exception:legacy', 'medium', ['exception-expiring:2026-06-02']],
    ],
  );
  assert.deepEqual(
    digest!.notices.map((n) => n.subject),
    ['gone', 'mismatch', 'soon', 'soon', 'later', 'exception:legacy'],
  );
});
