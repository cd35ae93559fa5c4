import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { planNotices } from '../../src/core/notify/plan-notices.js';
import type { NotificationOwner } from '../../src/core/notify/contact.js';
import { deliverNotices, type DeliveryPolicy } from '../../src/core/notify/deliver-notices.js';
import type { Notice } from '../../src/core/notify/notice.js';
import { buildNotifierRegistry, sleep } from '../../src/connectors/notifier-registry.js';
import { verifySignature } from '../../src/connectors/notifier-webhook/signature.js';
import type { WebhookPayload } from '../../src/connectors/notifier-webhook/webhook-payload.js';
import type { SlackMessage } from '../../src/connectors/notifier-slack/slack-notifier.js';
import { startSmtpCapture } from './support/smtp-capture.js';
import { closedPortUrl, startHttpReceiver, type ReceivedRequest } from './support/http-receiver.js';

const SECRET = 'correct horse battery staple';
const clock = { now: () => new Date() };
const SEEN = new Date('2026-11-30T08:00:00.000Z');
const fast: DeliveryPolicy = { attempts: 3, backoffMs: 50, timeoutMs: 2_000, concurrency: 8 };

function noticesFor(owner: NotificationOwner): Notice[] {
  return planNotices({
    now: new Date(),
    certificates: [
      {
        fingerprintSha256: 'ab'.repeat(32),
        subject: 'CN=api.corp.example, O=Corp',
        subjectAltNames: ['api.corp.example', 'api2.corp.example'],
        notAfter: new Date(Date.now() + 5 * 86_400_000),
        locations: [
          { kind: 'file', path: '/etc/ssl/api.pem', lastSeen: SEEN },
          {
            kind: 'tls',
            host: '10.0.0.7',
            port: 8443,
            sni: 'api.corp.example',
            address: '10.0.0.7',
            lastSeen: SEEN,
          },
        ],
        owner: owner.name,
        findings: [],
      },
    ],
    owners: [owner],
    deliveries: [],
    acknowledgements: [],
  });
}

/** What a receiver written from the documentation does, without Custos code: recompute and compare. */
function receiverVerifies(request: ReceivedRequest, secret: string): boolean {
  const header = String(request.headers['custos-signature'] ?? '');
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${request.rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

test('email goes to a real SMTP server with the certificate named in subject and body', async (t) => {
  const smtp = await startSmtpCapture();
  t.after(() => smtp.close());
  const notifiers = buildNotifierRegistry({ email: { url: smtp.url, from: 'Custos <custos@corp.example>' } });
  const notices = noticesFor({
    name: 'payments',
    contacts: { email: ['oncall@corp.example'] },
    escalation: [],
  });
  const results = await deliverNotices({ notifiers, clock, sleep }, notices, fast);
  assert.deepEqual(
    results.map((r) => [r.ok, r.attempts, r.error]),
    [[true, 1, null]],
  );
  assert.equal(smtp.messages.length, 1);
  const mail = smtp.messages[0]!;
  assert.equal(mail.from, 'custos@corp.example');
  assert.deepEqual(mail.to, ['oncall@corp.example']);
  assert.match(
    mail.subject,
    /Certificate expires within 7 days: CN=api.corp.example, O=Corp \(owner payments\)/,
  );
  assert.match(mail.text, /Names: api.corp.example, api2.corp.example/);
  assert.match(mail.text, new RegExp(`Fingerprint \\(SHA-256\\): ${'ab'.repeat(32)}`));
  assert.match(mail.text, /custos ack abababababababab/);
  assert.match(mail.text, /file \/etc\/ssl\/api.pem \(last seen 2026-11-30T08:00:00.000Z\)/);
  assert.match(
    mail.text,
    /tls 10.0.0.7:8443 \(sni api.corp.example\) \(last seen 2026-11-30T08:00:00.000Z\)/,
  );
  assert.match(
    mail.text,
    /What to do: Renew the certificate and deploy the renewal to every location listed/,
  );
  assert.match(String(mail.headers.get('x-custos-digest')), /^digest:[0-9a-f]{24}$/);
});

test('the webhook body names the certificate and is signed so the receiver verifies it', async (t) => {
  const receiver = await startHttpReceiver((request) => (receiverVerifies(request, SECRET) ? 204 : 401));
  t.after(() => receiver.close());
  const notifiers = buildNotifierRegistry({ email: undefined });
  const notices = noticesFor({
    name: 'payments',
    contacts: { webhooks: [{ url: `${receiver.url}/custos`, secret: SECRET }] },
    escalation: [],
  });
  const results = await deliverNotices({ notifiers, clock, sleep }, notices, fast);
  assert.deepEqual(
    results.map((r) => r.ok),
    [true],
  );
  const [request] = receiver.requests;
  assert.ok(request);
  assert.equal(request.path, '/custos');
  assert.equal(request.headers['content-type'], 'application/json');
  const check = verifySignature(String(request.headers['custos-signature']), request.rawBody, SECRET, {
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  assert.equal(check.valid, true);
  const wrong = verifySignature(
    String(request.headers['custos-signature']),
    request.rawBody,
    'another secret',
    {
      nowSeconds: Math.floor(Date.now() / 1000),
    },
  );
  assert.deepEqual(wrong, { valid: false, reason: 'signature does not match' });
  const tampered = verifySignature(
    String(request.headers['custos-signature']),
    `${request.rawBody} `,
    SECRET,
    {
      nowSeconds: Math.floor(Date.now() / 1000),
    },
  );
  assert.equal(tampered.valid, false);
  const replayed = verifySignature(String(request.headers['custos-signature']), request.rawBody, SECRET, {
    nowSeconds: Math.floor(Date.now() / 1000) + 3600,
  });
  assert.equal(replayed.valid, false);

  const digest = JSON.parse(request.rawBody) as WebhookPayload;
  assert.equal(digest.type, 'custos.digest');
  assert.equal(digest.owner, 'payments');
  assert.equal(digest.notices.length, 1);
  const body = digest.notices[0]!;
  assert.equal(body.type, 'custos.notice');
  assert.equal(body.reason, 'expiring');
  assert.equal(body.reasonKey, 'expiring-7d');
  assert.equal(body.thresholdDays, 7);
  assert.equal(body.level, 0);
  assert.equal(body.owner, 'payments');
  assert.deepEqual(body.certificate, {
    fingerprintSha256: 'ab'.repeat(32),
    subject: 'CN=api.corp.example, O=Corp',
    subjectAltNames: ['api.corp.example', 'api2.corp.example'],
    notAfter: notices[0]!.certificate!.notAfter.toISOString(),
  });
  assert.equal(body.notice, notices[0]!.key);
  assert.deepEqual(body.locations, [
    { kind: 'file', path: '/etc/ssl/api.pem', where: '/etc/ssl/api.pem', lastSeen: SEEN.toISOString() },
    {
      kind: 'tls',
      host: '10.0.0.7',
      port: 8443,
      sni: 'api.corp.example',
      address: '10.0.0.7',
      where: '10.0.0.7:8443 (sni api.corp.example)',
      lastSeen: SEEN.toISOString(),
    },
  ]);
  assert.match(body.remedy, /^Renew the certificate/);
  assert.ok(!request.rawBody.includes(SECRET));
});

test('Slack gets an incoming-webhook message with text and blocks', async (t) => {
  const receiver = await startHttpReceiver();
  t.after(() => receiver.close());
  const notices = noticesFor({
    name: 'payments',
    contacts: { slack: [`${receiver.url}/services/T0/B0/xyz`] },
    escalation: [],
  });
  const results = await deliverNotices(
    { notifiers: buildNotifierRegistry({ email: undefined }), clock, sleep },
    notices,
    fast,
  );
  assert.deepEqual(
    results.map((r) => r.ok),
    [true],
  );
  const message = JSON.parse(receiver.requests[0]!.rawBody) as SlackMessage;
  assert.match(message.text, /Certificate expires within 7 days: CN=api.corp.example/);
  assert.equal(message.blocks[0]!.type, 'header');
  assert.match(message.blocks[1]!.text.text, /api2.corp.example/);
  assert.equal(receiver.requests[0]!.path, '/services/T0/B0/xyz');
});

test('a dead channel is retried with backoff, fails, and blocks none of the others', async (t) => {
  const smtp = await startSmtpCapture();
  const broken = await startHttpReceiver(() => 500);
  const healthy = await startHttpReceiver((request) => (receiverVerifies(request, SECRET) ? 200 : 401));
  t.after(async () => {
    await Promise.all([smtp.close(), broken.close(), healthy.close()]);
  });
  const closed = await closedPortUrl();
  const notifiers = buildNotifierRegistry({ email: { url: smtp.url, from: 'custos@corp.example' } });
  const notices = noticesFor({
    name: 'payments',
    contacts: {
      email: ['oncall@corp.example'],
      webhooks: [
        { url: closed, secret: SECRET },
        { url: `${broken.url}/hook`, secret: SECRET },
        { url: `${healthy.url}/hook`, secret: SECRET },
      ],
      slack: [`${broken.url}/services/T/B/secret-token`],
    },
    escalation: [],
  });
  const results = await deliverNotices({ notifiers, clock, sleep }, notices, fast);
  const byContact = new Map(
    results.map((r) => [
      r.notice.contact.channel === 'email' ? 'email' : 'url' in r.notice.contact ? r.notice.contact.url : '',
      r,
    ]),
  );
  assert.equal(byContact.get('email')?.ok, true);
  assert.equal(byContact.get(`${healthy.url}/hook`)?.ok, true);
  const refused = byContact.get(closed)!;
  assert.equal(refused.ok, false);
  assert.equal(refused.attempts, 3);
  assert.match(refused.error!, /ECONNREFUSED/);
  const failing = byContact.get(`${broken.url}/hook`)!;
  assert.deepEqual([failing.ok, failing.attempts, failing.error], [false, 3, `HTTP 500 from ${broken.url}`]);
  const slack = byContact.get(`${broken.url}/services/T/B/secret-token`)!;
  assert.equal(slack.ok, false);
  assert.ok(!slack.error!.includes('secret-token'), 'errors never show a Slack URL path');
  assert.equal(broken.requests.length, 6, 'three tries for the webhook and three for Slack');
  assert.equal(smtp.messages.length, 1);
  assert.equal(healthy.requests.length, 1);
});

test('email is off without CUSTOS_SMTP_URL: the delivery fails with what to set, others go out', async (t) => {
  const receiver = await startHttpReceiver();
  t.after(() => receiver.close());
  const notices = noticesFor({
    name: 'payments',
    contacts: { email: ['oncall@corp.example'], slack: [`${receiver.url}/s`] },
    escalation: [],
  });
  const results = await deliverNotices(
    { notifiers: buildNotifierRegistry({ email: undefined }), clock, sleep },
    notices,
    fast,
  );
  assert.deepEqual(
    results.map((r) => [r.notice.contact.channel, r.ok, r.attempts, r.error]),
    [
      [
        'email',
        false,
        0,
        'the email channel is not configured (set smtp.url and smtp.from in custos.yaml, or CUSTOS_SMTP_URL and CUSTOS_SMTP_FROM)',
      ],
      ['slack', true, 1, null],
    ],
  );
});

test('a webhook that accepts the connection but never answers is cut off at the per-delivery deadline', async (t) => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    silent.closeAllConnections();
    silent.close();
  });
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
  const notices = noticesFor({
    name: 'payments',
    contacts: { webhooks: [{ url, secret: SECRET }] },
    escalation: [],
  });
  const policy = { attempts: 2, backoffMs: 10, timeoutMs: 300, concurrency: 1 };
  const [result] = await deliverNotices(
    { notifiers: buildNotifierRegistry({ email: undefined }), clock, sleep },
    notices,
    policy,
  );
  assert.deepEqual([result!.ok, result!.attempts], [false, 2]);
  assert.match(result!.error!, /no answer within 300 ms/);
});
