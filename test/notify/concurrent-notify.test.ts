/**
 * `custos notify run` twice at once, as real processes, against a real SMTP server and a real webhook receiver, on
 * SQLite and PostgreSQL: each notice is delivered exactly once (a run claims its notices before sending them, and
 * sends the ones it holds as one digest per contact).
 * And a run killed while it sends leaves the notices it had not recorded claimed: a run right after does not send
 * them again, and once the claim's lease has run out a later run does; what the killed run delivered before it died
 * (each digest recorded as soon as it was delivered) is never sent again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as wait } from 'node:timers/promises';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  withDnsNames,
  withFreshKey,
  withSubject,
} from '../support/certificates.js';
import { aCustos, CUSTOS_BIN, runCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { startHttpReceiver, type HttpReceiver, type ReceivedRequest } from './support/http-receiver.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

const CERTIFICATES = 8;

interface RunSummary {
  due: number;
  deferred: number;
  sent: number;
  failed: number;
}

interface JobLine {
  kind: string;
  status: string;
  worker: string | null;
}

function manifest(contacts: string): string {
  return `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts: ${contacts}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: payments-services}
spec:
  owner: payments
  order: 10
  match:
    dnsNames: ["*.corp.example"]
`;
}

/** Owner `team-I` for each certificate `svc-I`, all of them with the same webhook: one digest each, one at a time. */
function teamsManifest(webhookUrl: string): string {
  return Array.from(
    { length: CERTIFICATES },
    (_, i) => `apiVersion: custos/v1
kind: Owner
metadata: {name: team-${i}}
spec:
  contacts: {webhooks: [{url: "${webhookUrl}", secret: "s3cret"}]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: team-${i}-services}
spec:
  owner: team-${i}
  order: 10
  match:
    dnsNames: ["svc-${i}.corp.example"]
`,
  ).join('---\n');
}

/** A state with CERTIFICATES certificates expiring in 5 days, owned as the manifest says. */
async function aNotifiableState(db: TestDatabase, dir: string, owners: string, env: Record<string, string>) {
  const custos = await aCustos(db.options);
  const cli = (...args: string[]) => runCustos([...custos.stateFlags, ...args], { env });
  const ca = await aCertificate(withSubject('CN=Corp Issuing CA'), asCA());
  for (let i = 0; i < CERTIFICATES; i++) {
    const leaf = await aCertificate(
      withFreshKey(),
      withSubject(`CN=svc-${i}.corp.example`),
      withDnsNames(`svc-${i}.corp.example`),
      expiringIn(5),
      issuedBy(ca),
    );
    await writeFile(join(dir, `svc-${i}.pem`), leaf.pem);
  }
  const scan = await cli('scan', 'files', dir, '--json');
  assert.equal(scan.code, 0, scan.stderr);
  await writeFile(join(dir, 'owners.yaml'), owners);
  const applied = await cli('apply', '-f', join(dir, 'owners.yaml'));
  assert.equal(applied.code, 0, applied.stderr);
  return { custos, cli };
}

for (const dialect of DIALECTS) {
  describe(`notify run at once on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let smtp: SmtpCapture;
    let hook: HttpReceiver;
    let hang = false;
    before(async () => {
      smtp = await startSmtpCapture();
      // Each answer takes a moment, so that the two runs overlap; `hang` holds them until the run is killed.
      hook = await startHttpReceiver(async () => {
        if (hang) await new Promise(() => undefined);
        await wait(40);
        return 204;
      });
    });
    after(async () => {
      await smtp.close();
      await hook.close();
    });
    const env = (): Record<string, string> => ({
      CUSTOS_SMTP_URL: smtp.url,
      CUSTOS_SMTP_FROM: 'custos@corp.example',
    });

    it('two runs at once deliver each notice exactly once (3 rounds)', async () => {
      for (let round = 0; round < 3; round++) {
        smtp.messages.length = 0;
        hook.requests.length = 0;
        const db = await dialect.create();
        const dir = await mkdtemp(join(tmpdir(), 'custos-notify-race-'));
        let custos: Custos | undefined;
        try {
          const state = await aNotifiableState(
            db,
            dir,
            manifest(
              `{email: [oncall@corp.example], webhooks: [{url: "${hook.url}/custos", secret: "s3cret"}]}`,
            ),
            env(),
          );
          custos = state.custos;
          const runs = await Promise.all([
            state.cli('notify', 'run', '--json'),
            state.cli('notify', 'run', '--json'),
          ]);
          for (const run of runs) assert.equal(run.code, 0, run.stderr);
          const summaries = runs.map((run) => run.json<RunSummary>());
          assert.equal(
            summaries.reduce((sum, s) => sum + s.sent, 0),
            2 * CERTIFICATES,
            `round ${round}: ${JSON.stringify(summaries.map((s) => [s.due, s.sent, s.deferred]))}`,
          );
          // Each run sends what it holds as one digest per contact: one or two messages, each certificate in one.
          assert.ok(
            smtp.messages.length >= 1 && smtp.messages.length <= 2,
            `round ${round}: one digest a run`,
          );
          const mailed = smtp.messages.flatMap((m) =>
            [...m.text.matchAll(/custos ack ([0-9a-f]{16})/g)].map((x) => x[1]),
          );
          assert.equal(mailed.length, CERTIFICATES, `round ${round}: each certificate mailed once`);
          assert.equal(new Set(mailed).size, CERTIFICATES);
          assert.ok(
            hook.requests.length >= 1 && hook.requests.length <= 2,
            `round ${round}: one digest a run`,
          );
          const notices = hook.requests.flatMap((r) =>
            (JSON.parse(r.rawBody) as { notices: Array<{ notice: string }> }).notices.map((n) => n.notice),
          );
          assert.equal(notices.length, CERTIFICATES, `round ${round}: each notice posted once`);
          assert.equal(new Set(notices).size, CERTIFICATES);
          const log = await state.cli('notify', 'log', '--json');
          const deliveries = log.json<Array<{ status: string; attempts: number }>>();
          assert.deepEqual(
            deliveries.map((d) => [d.status, d.attempts]),
            Array.from({ length: 2 * CERTIFICATES }, () => ['sent', 1]),
          );
          const jobs = await state.cli('jobs', 'list', '--json');
          assert.deepEqual(jobs.json<unknown[]>(), [], 'every claim was completed');
        } finally {
          await custos?.cleanup();
          await db.dispose();
          await rm(dir, { recursive: true, force: true });
        }
      }
    });

    it('a killed run leaves its notices claimed until the lease runs out; then a later run sends them', async () => {
      hook.requests.length = 0;
      const db = await dialect.create();
      const dir = await mkdtemp(join(tmpdir(), 'custos-notify-crash-'));
      let custos: Custos | undefined;
      try {
        const state = await aNotifiableState(
          db,
          dir,
          manifest(`{webhooks: [{url: "${hook.url}/custos", secret: "s3cret"}]}`),
          env(),
        );
        custos = state.custos;
        hang = true;
        const child = spawn(process.execPath, [CUSTOS_BIN, ...custos.stateFlags, 'notify', 'run'], {
          env: { ...process.env, ...env() },
          stdio: 'ignore',
        });
        const exited = new Promise((resolve) => child.on('exit', resolve));
        while (hook.requests.length === 0) await wait(20);
        child.kill('SIGKILL');
        await exited;
        hang = false;

        const jobs = await state.cli('jobs', 'list', '--json');
        assert.equal(jobs.code, 0, jobs.stderr);
        const claimed = jobs.json<JobLine[]>();
        assert.equal(claimed.length, CERTIFICATES);
        for (const job of claimed) {
          assert.deepEqual([job.kind, job.status], ['notice.deliver', 'running']);
          assert.match(job.worker ?? '', new RegExp(`:${child.pid}$`));
        }
        const table = await state.cli('jobs', 'list');
        assert.match(table.stdout, /notice\.deliver +running \(lease to /);

        const during = await state.cli('notify', 'run', '--json');
        assert.equal(during.code, 0, during.stderr);
        assert.deepEqual(
          [during.json<RunSummary>().sent, during.json<RunSummary>().deferred],
          [0, CERTIFICATES],
          'the killed run still holds them',
        );
        assert.equal(
          hook.requests.length,
          1,
          'nothing sent again while the lease holds (one digest was posted)',
        );

        // Time passes: the claim's lease (15 minutes) runs out.
        await db.exec('update jobs set lease_until = 0');
        const later = await state.cli('notify', 'run', '--json');
        assert.equal(later.code, 0, later.stderr);
        assert.equal(later.json<RunSummary>().sent, CERTIFICATES);
        assert.equal(hook.requests.length, 2, 'one digest of every notice');
        const resent = JSON.parse(hook.requests[1]!.rawBody) as { notices: unknown[] };
        assert.equal(resent.notices.length, CERTIFICATES);
        assert.deepEqual((await state.cli('jobs', 'list', '--json')).json<unknown[]>(), []);
      } finally {
        hang = false;
        await custos?.cleanup();
        await db.dispose();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('a run killed half-way has recorded each digest it delivered: a later run sends only the others', async () => {
      const answered = 3;
      let hangFrom = answered;
      const teams = await startHttpReceiver(async (request) => {
        // The first digests are answered at once; the next one hangs until the run is killed.
        if (teams.requests.indexOf(request) >= hangFrom) await new Promise(() => undefined);
        return 204;
      });
      const db = await dialect.create();
      const dir = await mkdtemp(join(tmpdir(), 'custos-notify-killed-'));
      let custos: Custos | undefined;
      try {
        const state = await aNotifiableState(db, dir, teamsManifest(`${teams.url}/custos`), env());
        custos = state.custos;
        const child = spawn(process.execPath, [CUSTOS_BIN, ...custos.stateFlags, 'notify', 'run'], {
          env: { ...process.env, ...env() },
          stdio: 'ignore',
        });
        const exited = new Promise((resolve) => child.on('exit', resolve));
        // The next digest goes only once the one before is recorded.
        while (teams.requests.length <= answered) await wait(20);
        child.kill('SIGKILL');
        await exited;
        hangFrom = Infinity;
        const ownerOf = (request: ReceivedRequest) =>
          (JSON.parse(request.rawBody) as { owner: string }).owner;
        const delivered = teams.requests.slice(0, answered).map(ownerOf);
        const inFlight = ownerOf(teams.requests[answered]!);

        const log = await state.cli('notify', 'log', '--json');
        assert.deepEqual(
          log
            .json<Array<{ owner: string; status: string }>>()
            .map((d) => [d.owner, d.status])
            .sort(),
          delivered.map((owner) => [owner, 'sent']).sort(),
          'what was delivered before the kill is recorded',
        );
        assert.equal(
          (await state.cli('jobs', 'list', '--json')).json<unknown[]>().length,
          CERTIFICATES - answered,
          'the claims of the delivered ones were completed with their records',
        );

        // Time passes: the killed run's claims run out (15 minutes).
        await db.exec('update jobs set lease_until = 0');
        const later = await state.cli('notify', 'run', '--json');
        assert.equal(later.code, 0, later.stderr);
        assert.equal(later.json<RunSummary>().sent, CERTIFICATES - answered);
        const received = new Map<string, number>();
        for (const owner of teams.requests.map(ownerOf)) received.set(owner, (received.get(owner) ?? 0) + 1);
        for (let i = 0; i < CERTIFICATES; i++) {
          const owner = `team-${i}`;
          assert.equal(
            received.get(owner),
            owner === inFlight ? 2 : 1,
            owner === inFlight
              ? `${owner}: the digest the killed run had in flight was never recorded, so it goes again`
              : `${owner}: delivered once`,
          );
        }
        const all = (await state.cli('notify', 'log', '--json')).json<
          Array<{ status: string; attempts: number }>
        >();
        assert.deepEqual(
          all.map((d) => [d.status, d.attempts]),
          Array.from({ length: CERTIFICATES }, () => ['sent', 1]),
        );
        assert.deepEqual((await state.cli('jobs', 'list', '--json')).json<unknown[]>(), []);
      } finally {
        await teams.close();
        await custos?.cleanup();
        await db.dispose();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
