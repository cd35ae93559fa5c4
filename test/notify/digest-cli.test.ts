/**
 * Notices a person can act on, through the real CLI: two certificates of one owner (one in a file and a Kubernetes
 * Secret manifest, one served by a TLS endpoint on loopback) reach a real SMTP server as one digest and a verifying
 * webhook receiver as one JSON digest, most urgent first, each with every location, when it was last seen there,
 * and what to do. Acknowledging one stops its escalation, not the other's. And `custos apply` warns about an email
 * contact while no SMTP is configured. The digests run on SQLite and, when CUSTOS_TEST_DATABASE_URL is set, PostgreSQL.
 */
import assert from 'node:assert/strict';
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
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, runCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { tlsServer, type Running } from '../scan-tls/servers.js';
import { startHttpReceiver, type HttpReceiver } from './support/http-receiver.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

interface RunSummary {
  due: number;
  sent: number;
  failed: number;
  deliveries: Array<{ subject: string; reason: string; level: number; channel: string; status: string }>;
}

interface DigestBody {
  type: string;
  digest: string;
  owner: string;
  level: number;
  title: string;
  text: string;
  notices: Array<{
    type: string;
    notice: string;
    reasonKey: string;
    level: number;
    certificate: { fingerprintSha256: string; subject: string };
    locations: Array<Record<string, unknown> & { kind: string; where: string; lastSeen: string }>;
    remedy: string;
  }>;
}

const OWNERS = (webhookUrl: string) => `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts:
    email: [payments-oncall@corp.example]
    webhooks: [{url: "${webhookUrl}", secret: "s3cret"}]
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
    dnsNames: ["*.corp.example"]
`;

const secretManifest = (certificate: BuiltCertificate) =>
  [
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: api-soon-tls, namespace: payments}',
    'type: kubernetes.io/tls',
    'data:',
    `  tls.crt: ${Buffer.from(certificate.pem).toString('base64')}`,
    '',
  ].join('\n');

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const dialect of DIALECTS)
  describe(`notices a person can act on: one digest per owner and contact (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let dir: string;
    let custos: Custos;
    let smtp: SmtpCapture;
    let hook: HttpReceiver;
    let endpoint: Running;
    let soon: BuiltCertificate;
    let later: BuiltCertificate;
    const env = (): Record<string, string> => ({
      CUSTOS_SMTP_URL: smtp.url,
      CUSTOS_SMTP_FROM: 'custos@corp.example',
    });
    const cli = (...args: string[]) => runCustos([...custos.stateFlags, ...args], { env: env() });
    const scanEndpoint = () =>
      cli(
        'scan',
        'tls',
        `127.0.0.1:${endpoint.port}`,
        '--sni',
        'aa-later.corp.example',
        '--trust',
        join(dir, 'ca.pem'),
        '--json',
      );

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-digest-'));
      db = await dialect.create();
      custos = await aCustos(db.options);
      smtp = await startSmtpCapture();
      hook = await startHttpReceiver(() => 204);
      const ca = await aCertificate(withSubject('CN=Corp Issuing CA'), asCA());
      // The later one is the more urgent by name and by fingerprint order nowhere: only its notAfter decides.
      soon = await aCertificate(
        withFreshKey(),
        withSubject('CN=zz-soon.corp.example'),
        withDnsNames('zz-soon.corp.example'),
        expiringIn(2),
        issuedBy(ca),
      );
      later = await aCertificate(
        withFreshKey(),
        withSubject('CN=aa-later.corp.example'),
        withDnsNames('aa-later.corp.example'),
        expiringIn(20),
        issuedBy(ca),
      );
      await writeFile(join(dir, 'ca.pem'), ca.pem);
      await writeFile(join(dir, 'soon.pem'), soon.pem);
      await writeFile(join(dir, 'secret.yaml'), secretManifest(soon));
      endpoint = await tlsServer({ key: later, chain: [later, ca] });
      const tls = await scanEndpoint();
      assert.equal(tls.code, 0, tls.stderr);
      const files = await cli('scan', 'files', join(dir, 'soon.pem'), join(dir, 'secret.yaml'), '--json');
      assert.equal(files.code, 0, files.stderr);
      await writeFile(join(dir, 'owners.yaml'), OWNERS(`${hook.url}/custos`));
      const applied = await cli('apply', '-f', join(dir, 'owners.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
      assert.equal(applied.stderr, '', 'SMTP is configured: no warning');
    });
    afterEach(async () => {
      await Promise.all([
        smtp.close(),
        hook.close(),
        endpoint.close(),
        custos.cleanup(),
        rm(dir, { recursive: true, force: true }),
      ]);
      await db.dispose();
    });

    it('two certificates of one owner arrive as one email and one webhook, most urgent first, with where and what to do', async () => {
      const run = await cli('notify', 'run', '--json');
      assert.equal(run.code, 0, run.stderr);
      const summary = run.json<RunSummary>();
      assert.deepEqual([summary.due, summary.sent, summary.failed], [4, 4, 0]);
      assert.deepEqual(
        summary.deliveries.map((d) => [d.subject, d.reason, d.channel]).sort(),
        [
          [later.fingerprintSha256, 'expiring-30d', 'email'],
          [later.fingerprintSha256, 'expiring-30d', 'webhook'],
          [soon.fingerprintSha256, 'expiring-3d', 'email'],
          [soon.fingerprintSha256, 'expiring-3d', 'webhook'],
        ].sort(),
        'each certificate is still its own notice',
      );

      assert.equal(smtp.messages.length, 1, 'one email for both certificates');
      const mail = smtp.messages[0]!;
      assert.deepEqual(mail.to, ['payments-oncall@corp.example']);
      assert.match(
        mail.subject,
        /2 certificates need attention, most urgent: Certificate expires within 3 days: CN=zz-soon.corp.example \(owner payments\)/,
      );
      const text = mail.text;
      // The table: the one expiring in 2 days above the one expiring in 20.
      const soonRow = text.search(
        /^1 +\S+ \S+ UTC +[12]d +high +CN=zz-soon.corp.example +expires within 3 days$/m,
      );
      const laterRow = text.search(
        /^2 +\S+ \S+ UTC +(19|20)d +high +CN=aa-later.corp.example +expires within 30 days$/m,
      );
      assert.ok(soonRow > 0 && laterRow > soonRow, text);
      // The details: every location with when it was last seen, and the remedy.
      const soonPart = text.slice(text.indexOf('1. CN=zz-soon.corp.example'), text.indexOf('2. CN=aa-later'));
      assert.match(
        soonPart,
        new RegExp(`file ${join(dir, 'soon.pem')} \\(last seen \\d{4}-\\d\\d-\\d\\dT[^)]+Z\\)`),
      );
      assert.match(
        soonPart,
        new RegExp(
          `file ${join(dir, 'secret.yaml')} \\(secret payments/api-soon-tls\\) \\(last seen [^)]+Z\\)`,
        ),
      );
      assert.match(
        soonPart,
        /What to do: Renew the certificate and deploy the renewal to every location listed/,
      );
      assert.match(soonPart, new RegExp(`custos ack ${soon.fingerprintSha256.slice(0, 16)}`));
      const laterPart = text.slice(text.indexOf('2. CN=aa-later.corp.example'));
      assert.match(
        laterPart,
        new RegExp(`tls 127.0.0.1:${endpoint.port} \\(sni aa-later.corp.example\\) \\(last seen [^)]+Z\\)`),
      );
      assert.match(laterPart, /What to do: Renew the certificate/);

      assert.equal(hook.requests.length, 1, 'one webhook call for both certificates');
      const body = JSON.parse(hook.requests[0]!.rawBody) as DigestBody;
      assert.deepEqual([body.type, body.owner, body.level], ['custos.digest', 'payments', 0]);
      assert.match(body.digest, /^digest:[0-9a-f]{24}$/);
      assert.deepEqual(
        body.notices.map((n) => [n.type, n.certificate.fingerprintSha256, n.reasonKey, n.level]),
        [
          ['custos.notice', soon.fingerprintSha256, 'expiring-3d', 0],
          ['custos.notice', later.fingerprintSha256, 'expiring-30d', 0],
        ],
      );
      const [first, second] = body.notices;
      assert.deepEqual(
        first!.locations
          .map(({ lastSeen, ...rest }) => (assert.match(lastSeen, ISO), rest))
          .sort((a, b) => (a.where < b.where ? -1 : 1)),
        [
          {
            kind: 'file',
            path: join(dir, 'secret.yaml'),
            k8sSecret: { namespace: 'payments', name: 'api-soon-tls' },
            where: `${join(dir, 'secret.yaml')} (secret payments/api-soon-tls)`,
          },
          { kind: 'file', path: join(dir, 'soon.pem'), where: join(dir, 'soon.pem') },
        ],
      );
      assert.deepEqual(
        second!.locations.map(({ lastSeen: _seen, ...rest }) => rest),
        [
          {
            kind: 'tls',
            host: '127.0.0.1',
            port: endpoint.port,
            sni: 'aa-later.corp.example',
            address: '127.0.0.1',
            where: `127.0.0.1:${endpoint.port} (sni aa-later.corp.example)`,
          },
        ],
      );
      assert.match(first!.remedy, /^Renew the certificate/);
      assert.match(body.text, /1\. CN=zz-soon.corp.example[\s\S]*2\. CN=aa-later.corp.example/);
    });

    it('an endpoint that stopped answering is named unreachable since its first failed probe', async () => {
      await endpoint.close();
      await scanEndpoint();
      const inventory = await cli('inventory', 'list', '--json');
      const listed = inventory
        .json<Array<{ fingerprintSha256: string; locations: Array<{ unreachableSince?: string }> }>>()
        .find((c) => c.fingerprintSha256 === later.fingerprintSha256);
      const since = listed?.locations[0]?.unreachableSince;
      assert.match(since ?? '', ISO, 'the rescan found it unreachable');

      const run = await cli('notify', 'run', '--json');
      assert.equal(run.code, 0, run.stderr);
      const text = smtp.messages[0]!.text;
      assert.match(
        text,
        new RegExp(
          `tls 127.0.0.1:${endpoint.port} \\(sni aa-later.corp.example\\) \\(last seen [^,)]+Z, unreachable since ${since}\\)`,
        ),
      );
      assert.doesNotMatch(text, /soon\.pem \([^)]*unreachable/, 'a file location is not called unreachable');
      const body = JSON.parse(hook.requests[0]!.rawBody) as DigestBody;
      const tls = body.notices.flatMap((n) => n.locations).filter((l) => l.kind === 'tls');
      assert.deepEqual(
        tls.map((l) => l['unreachableSince']),
        [since],
      );
      assert.ok(
        body.notices.flatMap((n) => n.locations).every((l) => l.kind === 'tls' || !('unreachableSince' in l)),
      );
    });

    it('acknowledging one certificate stops its escalation but not the other one', async () => {
      const first = await cli('notify', 'run', '--json');
      assert.equal(first.json<RunSummary>().sent, 4, first.stderr);
      const ack = await cli('ack', soon.fingerprintSha256.slice(0, 12), '--by', 'ann@corp.example');
      assert.equal(ack.code, 0, ack.stderr);
      await wait(2_100);
      const escalated = await cli('notify', 'run', '--json');
      assert.equal(escalated.code, 0, escalated.stderr);
      assert.deepEqual(
        escalated.json<RunSummary>().deliveries.map((d) => [d.subject, d.level, d.channel, d.status]),
        [[later.fingerprintSha256, 1, 'email', 'sent']],
      );
      assert.equal(smtp.messages.length, 2);
      const lead = smtp.messages[1]!;
      assert.deepEqual(lead.to, ['payments-lead@corp.example']);
      assert.match(lead.subject, /\[escalation level 1\] Certificate expires within 30 days: CN=aa-later/);
      assert.match(lead.text, /CN=aa-later.corp.example/);
      assert.doesNotMatch(lead.text, /zz-soon/, 'the acknowledged certificate is not escalated');
      assert.equal(hook.requests.length, 1);
    });
  });

describe('custos apply warns about an email contact while no SMTP is configured', () => {
  let dir: string;
  let custos: Custos;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-apply-warn-'));
    custos = await aCustos();
    await writeFile(join(dir, 'owners.yaml'), OWNERS('https://hooks.corp.example/custos'));
  });
  afterEach(async () => {
    await Promise.all([custos.cleanup(), rm(dir, { recursive: true, force: true })]);
  });

  const warning = (address: string) =>
    `custos: warning: Owner/payments: email contact ${address} will get no notices: the email channel is not configured (set smtp.url and smtp.from in custos.yaml, or CUSTOS_SMTP_URL and CUSTOS_SMTP_FROM)`;

  it('names every email contact on stderr, applies, and exits 0', async () => {
    const applied = await custos.run('apply', '-f', join(dir, 'owners.yaml'));
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /^Owner\/payments created$/m);
    assert.deepEqual(applied.stderr.trim().split('\n'), [
      warning('payments-oncall@corp.example'),
      warning('payments-lead@corp.example'),
    ]);
    const owners = await custos.run('get', 'owners', '-o', 'json');
    assert.equal(owners.json<unknown[]>().length, 1, 'applied all the same');
  });

  it('--json carries the warnings too', async () => {
    const applied = await custos.run('apply', '-f', join(dir, 'owners.yaml'), '--dry-run', '--json');
    assert.equal(applied.code, 0, applied.stderr);
    const result = applied.json<{ warnings: Array<Record<string, string>> }>();
    assert.deepEqual(result.warnings, [
      {
        owner: 'payments',
        channel: 'email',
        contact: 'payments-oncall@corp.example',
        message: warning('payments-oncall@corp.example').replace('custos: warning: ', ''),
      },
      {
        owner: 'payments',
        channel: 'email',
        contact: 'payments-lead@corp.example',
        message: warning('payments-lead@corp.example').replace('custos: warning: ', ''),
      },
    ]);
    assert.equal(applied.stderr.trim().split('\n').length, 2);
  });
});
