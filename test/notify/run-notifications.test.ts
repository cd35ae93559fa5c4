/**
 * `notify run` and `ack` through the use cases on the real store (SQLite, and PostgreSQL when
 * CUSTOS_TEST_DATABASE_URL is set), with a real SMTP server and a real HTTP receiver. The clock is set by the
 * test: escalation `after: 2s` is reached by moving it, not by sleeping.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildNotifierRegistry, sleep } from '../../src/connectors/notifier-registry.js';
import type { NotificationOwner } from '../../src/core/notify/contact.js';
import { acknowledgeCertificate } from '../../src/core/notify/acknowledge-certificate.js';
import type { DeliveryPolicy } from '../../src/core/notify/deliver-notices.js';
import { runNotifications, type NoticeSources } from '../../src/core/notify/run-notifications.js';
import type { Store } from '../../src/core/ports/store.js';
import { verifyAudit } from '../../src/core/verify-audit.js';
import type { ParsedCertificate } from '../../src/pki/x509/parsed-certificate.js';
import { parseCertificate } from '../../src/pki/x509/lean-reader.js';
import { openStore } from '../../src/store/open-store.js';
import { aCertificate, expiringIn, withDnsNames, withFreshKey } from '../support/certificates.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import {
  closedPortUrl,
  startHttpReceiver,
  type HttpReceiver,
  type ReceivedRequest,
} from './support/http-receiver.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

const SECRET = 'webhook-secret';
const policy: DeliveryPolicy = { attempts: 3, backoffMs: 20, timeoutMs: 2_000, concurrency: 8 };

/** A clock the test moves; starts at the real time so the receiver's signature window accepts it. */
function settableClock() {
  let now = Date.now();
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

function signedBy(request: ReceivedRequest, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['custos-signature']));
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

async function storeCertificate(
  store: Store,
  at: Date,
  daysLeft: number,
  name: string,
): Promise<ParsedCertificate> {
  const built = await aCertificate(withFreshKey(), withDnsNames(name), expiringIn(daysLeft));
  const parsed = parseCertificate(built.der);
  await store.transaction(async (tx) => {
    await tx.inventory.insertCertificates([parsed], at);
    await tx.inventory.startSightings(
      [
        {
          location: { kind: 'file', path: `/etc/ssl/${name}.pem` },
          object: { type: 'certificate', fingerprintSha256: parsed.fingerprintSha256 },
        },
      ],
      at,
    );
  });
  return parsed;
}

for (const dialect of DIALECTS) {
  describe(`notify run on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let smtp: SmtpCapture;
    let hook: HttpReceiver;
    beforeEach(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
      smtp = await startSmtpCapture();
      hook = await startHttpReceiver((request) => (signedBy(request, SECRET) ? 204 : 401));
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
      await smtp.close();
      await hook.close();
    });

    function deps(clock: { now(): Date }, owner: NotificationOwner, certificates: ParsedCertificate[]) {
      const sources: NoticeSources = {
        certificates: async () =>
          certificates.map((c) => ({
            fingerprintSha256: c.fingerprintSha256,
            subject: c.subject,
            subjectAltNames: c.subjectAltNames.dns,
            notAfter: c.notAfter,
            locations: [],
            owner: owner.name,
            findings: [],
          })),
        owners: async () => [owner],
        exceptions: async () => [],
      };
      const notifiers = buildNotifierRegistry({ email: { url: smtp.url, from: 'custos@corp.example' } });
      return { store, clock, random: { float: () => 0.5 }, sleep, notifiers, sources };
    }

    it('sends each notice exactly once: a second run sends nothing', async () => {
      const clock = settableClock();
      const owner: NotificationOwner = {
        name: 'payments',
        contacts: {
          email: ['oncall@corp.example'],
          webhooks: [{ url: `${hook.url}/custos`, secret: SECRET }],
        },
        escalation: [],
      };
      const cert = await storeCertificate(store, clock.now(), 5, 'api.corp.example');
      const first = await runNotifications(deps(clock, owner, [cert]), {
        actor: 'test',
        worker: 'test-worker',
        policy,
      });
      assert.deepEqual([first.due, first.sent, first.failed], [2, 2, 0]);
      assert.equal(smtp.messages.length, 1);
      assert.equal(hook.requests.length, 1);
      clock.advance(60_000);
      const second = await runNotifications(deps(clock, owner, [cert]), {
        actor: 'test',
        worker: 'test-worker',
        policy,
      });
      assert.deepEqual([second.due, second.sent], [0, 0]);
      assert.equal(smtp.messages.length, 1);
      assert.equal(hook.requests.length, 1);

      const log = await store.notifications.deliveries();
      assert.deepEqual(
        log.map((d) => [d.subject, d.reasonKey, d.channel, d.level, d.status, d.attempts]).sort(),
        [
          [cert.fingerprintSha256, 'expiring-7d', 'email', 0, 'sent', 1],
          [cert.fingerprintSha256, 'expiring-7d', 'webhook', 0, 'sent', 1],
        ],
      );
      const audit: string[] = [];
      for await (const record of store.audit.records()) audit.push(`${record.type} ${record.subject}`);
      assert.deepEqual(
        audit.filter((a) => a.startsWith('notice.')),
        [`notice.sent ${cert.fingerprintSha256}`, `notice.sent ${cert.fingerprintSha256}`],
      );
      assert.equal((await verifyAudit({ store, auditKeys: db.options.auditKeys })).ok, true);
    });

    it('a dead channel ends in the log as failed after its retries, is retried next run, and blocks no other', async () => {
      const clock = settableClock();
      const broken = await startHttpReceiver(() => 500);
      try {
        const closed = await closedPortUrl();
        const owner: NotificationOwner = {
          name: 'payments',
          contacts: {
            email: ['oncall@corp.example'],
            webhooks: [
              { url: closed, secret: SECRET },
              { url: `${broken.url}/hook`, secret: SECRET },
              { url: `${hook.url}/custos`, secret: SECRET },
            ],
          },
          escalation: [],
        };
        const cert = await storeCertificate(store, clock.now(), -2, 'old.corp.example');
        const first = await runNotifications(deps(clock, owner, [cert]), {
          actor: 'test',
          worker: 'test-worker',
          policy,
        });
        assert.deepEqual([first.due, first.sent, first.failed], [4, 2, 2]);
        assert.equal(smtp.messages.length, 1);
        assert.equal(hook.requests.length, 1);
        const failed = (await store.notifications.deliveries()).filter((d) => d.status === 'failed');
        assert.deepEqual(
          failed.map((d) => [d.reasonKey, d.attempts]),
          [
            ['expired', 3],
            ['expired', 3],
          ],
        );
        assert.deepEqual(failed.map((d) => d.lastError?.replace(/:\d+/, ':PORT')).sort(), [
          'HTTP 500 from http://127.0.0.1:PORT',
          'http://127.0.0.1:PORT: fetch failed (ECONNREFUSED)',
        ]);

        // A later run at once leaves the failed notices to their backoff: half to all of a minute, jittered.
        const soon = await runNotifications(deps(clock, owner, [cert]), {
          actor: 'test',
          worker: 'test-worker',
          policy,
        });
        assert.deepEqual([soon.due, soon.deferred, soon.sent], [0, 2, 0]);
        const waiting = (await store.jobs.list()).filter((job) => job.status === 'queued');
        assert.deepEqual(
          waiting.map((job) => [job.kind, job.attempts, job.runAt.getTime() - clock.now().getTime()]),
          [
            ['notice.deliver', 1, 45_000],
            ['notice.deliver', 1, 45_000],
          ],
        );
        clock.advance(45_000);
        const second = await runNotifications(deps(clock, owner, [cert]), {
          actor: 'test',
          worker: 'test-worker',
          policy,
        });
        assert.deepEqual([second.due, second.sent, second.failed], [2, 0, 2]);
        assert.equal(smtp.messages.length, 1, 'what was sent is not sent again');
        const retried = (await store.notifications.deliveries()).filter((d) => d.status === 'failed');
        assert.deepEqual(
          retried.map((d) => d.attempts),
          [6, 6],
        );
        assert.equal(broken.requests.length, 6);
      } finally {
        await broken.close();
      }
    });

    it('a failed digest is retried whole: its notices wait for one retry time and go again as the same digest', async () => {
      const clock = settableClock();
      let refuse = true;
      const flaky = await startHttpReceiver(() => (refuse ? 503 : 204));
      try {
        const owner: NotificationOwner = {
          name: 'payments',
          contacts: { webhooks: [{ url: `${flaky.url}/hook`, secret: SECRET }] },
          escalation: [],
        };
        const certs = [
          await storeCertificate(store, clock.now(), 5, 'a.corp.example'),
          await storeCertificate(store, clock.now(), 6, 'b.corp.example'),
        ];
        // A jitter that differs at every draw: one draw per notice would give each its own retry time.
        let draws = 0;
        const run = () =>
          runNotifications(
            { ...deps(clock, owner, certs), random: { float: () => (draws++ % 2 === 0 ? 0.1 : 0.9) } },
            { actor: 'test', worker: 'test-worker', policy },
          );
        const first = await run();
        assert.deepEqual([first.due, first.failed], [2, 2]);
        const waiting = await store.jobs.list();
        assert.equal(waiting.length, 2);
        assert.equal(
          new Set(waiting.map((job) => job.runAt.getTime())).size,
          1,
          'one retry time for the digest',
        );
        clock.advance(waiting[0]!.runAt.getTime() - clock.now().getTime());
        refuse = false;
        const second = await run();
        assert.deepEqual([second.due, second.sent], [2, 2]);
        const digests = flaky.requests.map((r) => (JSON.parse(r.rawBody) as { digest: string }).digest);
        assert.equal(digests.length, 4, '3 tries, then the retry');
        assert.equal(new Set(digests).size, 1, 'the retry is the same digest');
        assert.deepEqual(
          (await store.notifications.deliveries()).map((d) => [d.status, d.attempts]),
          [
            ['sent', 4],
            ['sent', 4],
          ],
          'one entry per notice, its attempts growing',
        );
        assert.deepEqual(await store.jobs.list(), []);
      } finally {
        await flaky.close();
      }
    });

    it('a long run keeps its claims: a run started after their first lease would have run out sends nothing twice', async () => {
      const clock = settableClock();
      const contacts = 6;
      let other: Promise<Awaited<ReturnType<typeof runNotifications>>> | undefined;
      const slow = await startHttpReceiver(() => {
        // Each answer takes 8 minutes of the run's clock: the run outlasts the 15-minute lease of its claims.
        clock.advance(8 * 60_000);
        // Another run starts once 16 minutes have passed, while the first is still sending.
        if (slow.requests.length === 2) {
          other = runNotifications(deps(clock, owner, certs), {
            actor: 'test',
            worker: 'other-worker',
            policy,
          });
        }
        return 204;
      });
      const owner: NotificationOwner = {
        name: 'payments',
        contacts: {
          webhooks: Array.from({ length: contacts }, (_, i) => ({
            url: `${slow.url}/contact-${i}`,
            secret: SECRET,
          })),
        },
        escalation: [],
      };
      const certs = [await storeCertificate(store, clock.now(), 5, 'api.corp.example')];
      try {
        // One contact at a time: the six digests go one after another.
        const first = await runNotifications(deps(clock, owner, certs), {
          actor: 'test',
          worker: 'first-worker',
          policy: { ...policy, concurrency: 1 },
        });
        assert.ok(other !== undefined);
        const second = await other;
        assert.deepEqual([first.sent, first.failed], [contacts, 0]);
        assert.deepEqual([second.sent, second.deferred], [0, contacts - 1], 'the first run still held them');
        assert.deepEqual(
          slow.requests.map((r) => r.path).sort(),
          Array.from({ length: contacts }, (_, i) => `/contact-${i}`),
          'each notice posted once',
        );
        assert.deepEqual(await store.jobs.list(), []);
      } finally {
        await slow.close();
      }
    });

    it('escalates once `after` has passed without an acknowledgement, once per level', async () => {
      const clock = settableClock();
      const owner: NotificationOwner = {
        name: 'payments',
        contacts: { email: ['oncall@corp.example'] },
        escalation: [
          {
            afterMs: 2_000,
            contacts: {
              email: ['lead@corp.example'],
              webhooks: [{ url: `${hook.url}/lead`, secret: SECRET }],
            },
          },
        ],
      };
      const cert = await storeCertificate(store, clock.now(), 2, 'pay.corp.example');
      await runNotifications(deps(clock, owner, [cert]), { actor: 'test', worker: 'test-worker', policy });
      clock.advance(1_000);
      const early = await runNotifications(deps(clock, owner, [cert]), {
        actor: 'test',
        worker: 'test-worker',
        policy,
      });
      assert.equal(early.due, 0);
      clock.advance(1_000);
      const escalated = await runNotifications(deps(clock, owner, [cert]), {
        actor: 'test',
        worker: 'test-worker',
        policy,
      });
      assert.deepEqual([escalated.due, escalated.sent, escalated.escalations], [2, 2, 2]);
      assert.deepEqual(
        smtp.messages.map((m) => m.to[0]),
        ['oncall@corp.example', 'lead@corp.example'],
      );
      assert.match(smtp.messages[1]!.subject, /\[escalation level 1\] Certificate expires within 3 days/);
      const digest = JSON.parse(hook.requests[0]!.rawBody) as {
        level: number;
        notices: Array<{ level: number; certificate: { fingerprintSha256: string } }>;
      };
      assert.equal(digest.level, 1);
      assert.deepEqual(
        digest.notices.map((n) => [n.level, n.certificate.fingerprintSha256]),
        [[1, cert.fingerprintSha256]],
      );
      clock.advance(10_000);
      const again = await runNotifications(deps(clock, owner, [cert]), {
        actor: 'test',
        worker: 'test-worker',
        policy,
      });
      assert.equal(again.due, 0);
    });

    it('an acknowledgement stops escalation', async () => {
      const clock = settableClock();
      const owner: NotificationOwner = {
        name: 'payments',
        contacts: { email: ['oncall@corp.example'] },
        escalation: [{ afterMs: 2_000, contacts: { email: ['lead@corp.example'] } }],
      };
      const cert = await storeCertificate(store, clock.now(), 2, 'pay.corp.example');
      await runNotifications(deps(clock, owner, [cert]), { actor: 'test', worker: 'test-worker', policy });
      clock.advance(500);
      const ack = await acknowledgeCertificate(
        { store, clock },
        {
          fingerprintPrefix: cert.fingerprintSha256.slice(0, 10).toUpperCase(),
          by: 'ann@corp.example',
          actor: 'cli:test',
        },
      );
      assert.equal(ack.fingerprintSha256, cert.fingerprintSha256);
      clock.advance(5_000);
      const later = await runNotifications(deps(clock, owner, [cert]), {
        actor: 'test',
        worker: 'test-worker',
        policy,
      });
      assert.equal(later.due, 0);
      assert.deepEqual(
        smtp.messages.map((m) => m.to[0]),
        ['oncall@corp.example'],
      );
      assert.deepEqual(await store.notifications.acknowledgements(), [
        { fingerprintSha256: cert.fingerprintSha256, by: 'ann@corp.example', at: ack.at },
      ]);
      const types: string[] = [];
      for await (const record of store.audit.records()) types.push(record.type);
      assert.ok(types.includes('notice.acknowledged'));
      assert.equal((await verifyAudit({ store, auditKeys: db.options.auditKeys })).ok, true);
    });

    it('ack refuses an unknown or ambiguous prefix', async () => {
      const clock = settableClock();
      await assert.rejects(
        acknowledgeCertificate(
          { store, clock },
          { fingerprintPrefix: 'abcdef', by: 'ann', actor: 'cli:test' },
        ),
        { code: 'CUSTOS_NOT_FOUND' },
      );
      await assert.rejects(
        acknowledgeCertificate({ store, clock }, { fingerprintPrefix: 'xyz', by: 'ann', actor: 'cli:test' }),
        { code: 'CUSTOS_INVALID_ARGUMENT' },
      );
    });
  });
}
