/**
 * Policy decisions are audit events, through the real CLI: a scan audits each violation seen for the first time as
 * `policy.decided`, an Exception that waives one audits the change to `waived`, an owner assignment audits the
 * return to `pass`, a rescan of the unchanged tree audits nothing new, and the chain still verifies.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aCertificate, withDnsNames, withKey, type BuiltCertificate } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

interface AuditEvent {
  type: string;
  actor: string;
  subject: string;
  data: Record<string, unknown>;
}

const DAY = 86_400_000;

const exceptionYaml = (fingerprint: string, expires: Date): string => `apiVersion: custos/v1
kind: Owner
metadata: {name: plant}
spec:
  contacts: {email: [plant@corp.example]}
---
apiVersion: custos/v1
kind: Exception
metadata: {name: legacy-plc}
spec:
  waives: [key-type-not-allowed]
  scope: {fingerprints: ["${fingerprint.slice(0, 12)}"]}
  reason: "PLC firmware cannot hold a 2048-bit key until the 2027 refit"
  compensatingControl: "reachable only through gateway gw-3"
  approver: ciso@corp.example
  expires: "${expires.toISOString()}"
`;

for (const dialect of DIALECTS) {
  describe(`policy decisions are audited on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let custos: Custos;
    let database: TestDatabase | undefined;
    let plc: BuiltCertificate;
    let api: BuiltCertificate;

    const decided = async (): Promise<AuditEvent[]> => {
      const exported = await custos.run('audit', 'export');
      assert.equal(exported.code, 0, exported.stderr);
      return exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as AuditEvent)
        .filter((e) => e.type === 'policy.decided');
    };
    const summary = (events: AuditEvent[]) =>
      events
        .map((e) => [
          e.subject === plc.fingerprintSha256
            ? 'plc'
            : e.subject === api.fingerprintSha256
              ? 'api'
              : e.subject,
          e.data.policy,
          e.data.code,
          e.data.oldResult,
          e.data.newResult,
          e.data.exception ?? null,
        ])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-policy-decisions-'));
      plc = await aCertificate(withDnsNames('plc.corp.example'), withKey('RSA', 1024));
      api = await aCertificate(withDnsNames('api.corp.example'));
      await mkdir(join(dir, 'tree'), { recursive: true });
      await writeFile(join(dir, 'tree', 'plc.pem'), plc.pem);
      await writeFile(join(dir, 'tree', 'api.pem'), api.pem);
      database = await dialect.create();
      custos = await aCustos({
        dataDir: database.options.dataDir,
        databaseUrl: database.options.databaseUrl,
      });
    });
    after(async () => {
      await custos?.cleanup();
      await database?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('a scan audits each violation seen for the first time, and no pass', async () => {
      const scanned = await custos.run('scan', 'files', join(dir, 'tree'), '--json');
      assert.equal(scanned.code, 0, scanned.stderr);
      const events = await decided();
      assert.deepEqual(summary(events), [
        ['api', 'owner-required', 'unowned', null, 'violated', null],
        ['plc', 'allowed-key-types', 'key-type-not-allowed', null, 'violated', null],
        ['plc', 'owner-required', 'unowned', null, 'violated', null],
      ]);
      const weak = events.find((e) => e.data.policy === 'allowed-key-types');
      assert.match(String(weak?.data.reason), /keys must be RSA >= 2048 bits/);
      assert.match(weak?.actor ?? '', /^cli:/);
    });

    test('applying an Exception that waives a violation audits the change to waived', async () => {
      await writeFile(
        join(dir, 'exception.yaml'),
        exceptionYaml(plc.fingerprintSha256, new Date(Date.now() + 30 * DAY)),
      );
      const applied = await custos.run('apply', '-f', join(dir, 'exception.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
      assert.deepEqual(summary((await decided()).slice(3)), [
        ['plc', 'allowed-key-types', 'key-type-not-allowed', 'violated', 'waived', 'legacy-plc'],
      ]);
    });

    test('an owner assignment audits the return to pass', async () => {
      const assigned = await custos.run('owners', 'assign', api.fingerprintSha256.slice(0, 12), 'plant');
      assert.equal(assigned.code, 0, assigned.stderr);
      const events = (await decided()).slice(4);
      assert.deepEqual(summary(events), [['api', 'owner-required', 'unowned', 'violated', 'pass', null]]);
    });

    test('a rescan of the unchanged tree audits nothing new, and the chain verifies', async () => {
      const before = (await decided()).length;
      const rescanned = await custos.run('scan', 'files', join(dir, 'tree'), '--json');
      assert.equal(rescanned.code, 0, rescanned.stderr);
      assert.equal((await decided()).length, before);
      const verified = await custos.run('audit', 'verify');
      assert.equal(verified.code, 0, verified.stderr);
    });
  });
}
