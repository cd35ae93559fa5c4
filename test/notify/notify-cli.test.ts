/**
 * Notifications end to end through the real CLI (bin/custos): scan a tree, `custos apply` owners and rules,
 * `custos notify run` to a real SMTP server and a real HTTP receiver that verifies the signature, `custos ack`,
 * `custos notify log`. Escalation uses `after: 2s` and real waiting (no timing is asserted).
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  withDnsNames,
  withFreshKey,
  withKey,
  withSubject,
} from '../support/certificates.js';
import { aCustos, runCustos, type Custos } from '../support/cli.js';
import {
  closedPortUrl,
  startHttpReceiver,
  type HttpReceiver,
  type ReceivedRequest,
} from './support/http-receiver.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

const SECRET = 'shared-webhook-secret';

interface RunSummary {
  due: number;
  sent: number;
  failed: number;
  escalations: number;
  deliveries: Array<{
    subject: string;
    reason: string;
    level: number;
    channel: string;
    status: string;
    attempts: number;
    lastError: string | null;
  }>;
}

/** The receiver's check, written from the documentation: t within 5 minutes, HMAC-SHA256 of "<t>.<raw body>". */
function verifies(request: ReceivedRequest): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['custos-signature']));
  if (!match || Math.abs(Date.now() / 1000 - Number(match[1])) > 300) return false;
  const expected = createHmac('sha256', SECRET).update(`${match[1]}.${request.rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

function manifest(webhookUrl: string): string {
  return `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts:
    email: [payments-oncall@corp.example]
    webhooks: [{url: "${webhookUrl}", secret: "${SECRET}"}]
  escalation:
    - after: 2s
      contacts: {email: [payments-lead@corp.example]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: payments-api}
spec:
  owner: payments
  order: 10
  match:
    dnsNames: ["api*.corp.example"]
`;
}

describe('custos notify through the CLI', () => {
  let dir: string;
  let custos: Custos;
  let smtp: SmtpCapture;
  let hook: HttpReceiver;
  let fingerprint: string;
  const env = (): Record<string, string> => ({
    CUSTOS_SMTP_URL: smtp.url,
    CUSTOS_SMTP_FROM: 'custos@corp.example',
  });
  const cli = (...args: string[]) => runCustos([...custos.stateFlags, ...args], { env: env() });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-notify-'));
    custos = await aCustos();
    smtp = await startSmtpCapture();
    hook = await startHttpReceiver((request) => (verifies(request) ? 204 : 401));
    // Issued by a CA (a self-signed leaf would add a finding notice of its own).
    const ca = await aCertificate(withSubject('CN=Corp Issuing CA'), asCA());
    const owned = await aCertificate(
      withFreshKey(),
      withSubject('CN=api.corp.example'),
      withDnsNames('api.corp.example'),
      expiringIn(5),
      issuedBy(ca),
    );
    const unowned = await aCertificate(
      withFreshKey(),
      withSubject('CN=intranet.other.example'),
      withDnsNames('intranet.other.example'),
      expiringIn(5),
      issuedBy(ca),
    );
    fingerprint = owned.fingerprintSha256;
    await writeFile(join(dir, 'api.pem'), owned.pem);
    await writeFile(join(dir, 'intranet.pem'), unowned.pem);
    const scan = await cli('scan', 'files', dir, '--json');
    assert.equal(scan.code, 0, scan.stderr);
  });
  afterEach(async () => {
    await Promise.all([
      smtp.close(),
      hook.close(),
      custos.cleanup(),
      rm(dir, { recursive: true, force: true }),
    ]);
  });

  async function apply(webhookUrl: string): Promise<void> {
    const file = join(dir, 'owners.yaml');
    await writeFile(file, manifest(webhookUrl));
    const applied = await cli('apply', '-f', file);
    assert.equal(applied.code, 0, applied.stderr);
  }

  it('sends once to a real SMTP server and a verifying receiver, then escalates after 2s unacknowledged', async () => {
    await apply(`${hook.url}/custos`);
    const first = await cli('notify', 'run', '--json');
    assert.equal(first.code, 0, first.stderr);
    const summary = first.json<RunSummary>();
    assert.deepEqual([summary.due, summary.sent, summary.failed], [2, 2, 0]);
    assert.ok(summary.deliveries.every((d) => d.subject === fingerprint && d.reason === 'expiring-7d'));
    assert.equal(smtp.messages.length, 1);
    assert.deepEqual(smtp.messages[0]!.to, ['payments-oncall@corp.example']);
    assert.match(smtp.messages[0]!.subject, /Certificate expires within 7 days: CN=api.corp.example/);
    assert.equal(hook.requests.length, 1);
    assert.ok(verifies(hook.requests[0]!));
    const digest = JSON.parse(hook.requests[0]!.rawBody) as { type: string; notices: unknown[] };
    assert.equal(digest.type, 'custos.digest');
    assert.equal(digest.notices.length, 1);
    const body = digest.notices[0] as Record<string, unknown>;
    assert.equal(body.owner, 'payments');
    assert.equal(body.reason, 'expiring');
    assert.equal(body.level, 0);
    assert.deepEqual((body.certificate as { subjectAltNames: string[] }).subjectAltNames, [
      'api.corp.example',
    ]);
    assert.equal((body.certificate as { fingerprintSha256: string }).fingerprintSha256, fingerprint);

    // Run again at once: nothing at level 0 goes again. (The CLI may take long enough here for the 2s
    // escalation to fall due already, so it is counted over this run and the next.)
    const again = (await cli('notify', 'run', '--json')).json<RunSummary>();
    assert.deepEqual(
      again.deliveries.filter((d) => d.level === 0),
      [],
      'a second run sends nothing new',
    );
    await wait(2_100);
    const escalated = await cli('notify', 'run', '--json');
    assert.equal(escalated.code, 0, escalated.stderr);
    assert.deepEqual(
      [...again.deliveries, ...escalated.json<RunSummary>().deliveries].map((d) => [
        d.level,
        d.channel,
        d.status,
      ]),
      [[1, 'email', 'sent']],
    );
    assert.equal(smtp.messages.length, 2);
    assert.deepEqual(smtp.messages[1]!.to, ['payments-lead@corp.example']);
    assert.match(smtp.messages[1]!.subject, /\[escalation level 1\]/);
    assert.equal(hook.requests.length, 1);
    assert.equal((await cli('notify', 'run', '--json')).json<RunSummary>().due, 0);

    const log = await cli('notify', 'log', '--json');
    assert.deepEqual(
      log
        .json<Array<{ level: number; channel: string; status: string }>>()
        .map((d) => [d.level, d.channel, d.status])
        .sort(),
      [
        [0, 'email', 'sent'],
        [0, 'webhook', 'sent'],
        [1, 'email', 'sent'],
      ],
    );
    const table = await cli('notify', 'log');
    assert.match(table.stdout, /3 deliveries: 3 sent, 0 failed/);
    assert.equal((await cli('audit', 'verify')).code, 0);
  });

  it('custos ack stops the escalation', async () => {
    await apply(`${hook.url}/custos`);
    assert.equal((await cli('notify', 'run', '--json')).json<RunSummary>().sent, 2);
    const ack = await cli('ack', fingerprint.slice(0, 12), '--by', 'ann@corp.example');
    assert.equal(ack.code, 0, ack.stderr);
    assert.match(
      ack.stdout,
      new RegExp(`acknowledged ${fingerprint} \\(CN=api.corp.example\\) by ann@corp.example`),
    );
    await wait(2_100);
    const later = await cli('notify', 'run', '--json');
    assert.equal(later.json<RunSummary>().due, 0);
    assert.equal(smtp.messages.length, 1);
    const audit = await cli('audit', 'export');
    const types = audit.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    assert.ok(types.includes('notice.acknowledged'));
    assert.equal(types.filter((t) => t === 'notice.sent').length, 2);
  });

  it('a dead webhook fails after its retries, is logged, exits 1, and the email still goes', async () => {
    await apply(await closedPortUrl());
    const run = await cli('notify', 'run', '--json');
    assert.equal(run.code, 1, run.stderr);
    const summary = run.json<RunSummary>();
    assert.deepEqual([summary.due, summary.sent, summary.failed], [2, 1, 1]);
    assert.equal(smtp.messages.length, 1);
    const log = await cli('notify', 'log', '--json');
    const failed = log.json<RunSummary['deliveries']>().filter((d) => d.status === 'failed');
    assert.deepEqual(
      failed.map((d) => [d.channel, d.attempts]),
      [['webhook', 3]],
    );
    assert.match(failed[0]!.lastError!, /ECONNREFUSED/);
  });

  it('new findings and an exception about to expire reach the owner; waived findings do not', async () => {
    const weak = await aCertificate(
      withSubject('CN=api-weak.corp.example'),
      withDnsNames('api-weak.corp.example'),
      withKey('RSA', 1024),
      expiringIn(200),
    );
    const legacy = await aCertificate(
      withFreshKey(),
      withSubject('CN=api-legacy.corp.example'),
      withDnsNames('api-legacy.corp.example'),
      expiringIn(200),
    );
    await writeFile(join(dir, 'weak.pem'), weak.pem);
    await writeFile(join(dir, 'legacy.pem'), legacy.pem);
    assert.equal((await cli('scan', 'files', dir)).code, 0);
    const expires = new Date(Date.now() + 10 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const file = join(dir, 'owners.yaml');
    await writeFile(
      file,
      `${manifest(`${hook.url}/custos`)}---
apiVersion: custos/v1
kind: Exception
metadata: {name: legacy-appliance}
spec:
  waives: [self-signed]
  scope: {fingerprints: ["${legacy.fingerprintSha256}"]}
  reason: "the appliance only takes a self-signed certificate"
  compensatingControl: "reachable only from the management VLAN"
  approver: ciso@corp.example
  expires: "${expires}"
`,
    );
    assert.equal((await cli('apply', '-f', file)).code, 0);
    const run = (await cli('notify', 'run', '--json')).json<RunSummary>();
    const reasons = (subject: string) =>
      [...new Set(run.deliveries.filter((d) => d.subject === subject).map((d) => d.reason))].sort();
    // One code per fact: the weak key is the default policy's key-type-not-allowed, notified once.
    assert.ok(
      reasons(weak.fingerprintSha256).includes('finding:key-type-not-allowed'),
      JSON.stringify(run.deliveries),
    );
    assert.ok(!reasons(weak.fingerprintSha256).includes('finding:weak-key'));
    assert.ok(reasons(weak.fingerprintSha256).includes('finding:self-signed'));
    assert.deepEqual(
      reasons(legacy.fingerprintSha256).filter((r) => r === 'finding:self-signed'),
      [],
      'a waived finding is not notified',
    );
    assert.deepEqual(reasons('exception:legacy-appliance'), [`exception-expiring:${expires.slice(0, 10)}`]);
    // One digest to the owner's email holds the certificates and the exception.
    assert.equal(smtp.messages.length, 1);
    const exceptionMail = smtp.messages[0]!;
    assert.match(exceptionMail.text, /Why: Exception legacy-appliance expires on/);
    assert.match(exceptionMail.text, /Reason: the appliance only takes a self-signed certificate/);
  });

  it('ack refuses a prefix that names no certificate, with a stable code', async () => {
    const ack = await cli('ack', 'ffffffffff');
    assert.equal(ack.code, 2);
    assert.match(ack.stderr, /^custos: CUSTOS_NOT_FOUND: /);
  });
});
