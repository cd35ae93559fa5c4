/**
 * Ownership, policy as code and exceptions end to end through the real CLI, as a user checks them: a temp tree of
 * certificates is scanned, a YAML file of owners, identities, rules, policies and exceptions is applied, and the
 * inventory, findings, `get`, `exceptions list` and the audit trail are read back.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  aCertificate,
  withDnsNames,
  withKey,
  withUris,
  type BuiltCertificate,
} from '../support/certificates.js';
import { openStore } from '../../src/store/open-store.js';
import { aCustos, type Custos } from '../support/cli.js';
import { loadAuditKeyring } from '../../src/store/keys/audit-keyring.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

interface Finding {
  code: string;
  severity: string;
  message: string;
  waivedBy?: string;
}
interface Entry {
  fingerprintSha256: string;
  owner: string | null;
  identity: string | null;
  findings: Finding[];
}

const DAY = 86_400_000;

function governanceYaml(root: string, exceptionExpires: Date, plcFingerprint: string): string {
  return `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts:
    email: [payments-oncall@corp.example]
    webhooks: [{url: "https://hooks.corp.example/custos", secret: "very-secret"}]
  escalation:
    - after: 4h
      contacts: {email: [payments-lead@corp.example]}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: web}
spec:
  contacts: {email: [web@corp.example]}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: security}
spec:
  contacts: {email: [security@corp.example]}
---
apiVersion: custos/v1
kind: Identity
metadata: {name: payments-api}
spec:
  kind: workload
  owner: payments
  environment: prod
  spiffeId: spiffe://corp.example/ns/payments/sa/web
  labels: {namespace: payments, serviceAccount: api}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: payments-files}
spec:
  owner: payments
  order: 10
  match:
    paths: ["${root}/payments/**"]
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: web-names}
spec:
  owner: web
  order: 20
  match:
    dnsNames: ["www*.corp.example"]
---
apiVersion: custos/v1
kind: Policy
metadata: {name: rsa-minimum}
spec:
  type: compliance
  code: rsa-too-small
  severity: high
  validations:
    - expression: "certificate.keyAlgorithm != 'RSA' || certificate.keySize >= 3072"
      message: "RSA keys must be at least 3072 bits"
---
apiVersion: custos/v1
kind: Exception
metadata: {name: legacy-plc}
spec:
  waives: [key-type-not-allowed, rsa-too-small]
  scope: {fingerprints: ["${plcFingerprint.slice(0, 12)}"]}
  reason: "PLC firmware cannot hold a 2048-bit key until the 2027 refit"
  compensatingControl: "reachable only through gateway gw-3, which terminates TLS"
  approver: ciso@corp.example
  expires: "${exceptionExpires.toISOString()}"
`;
}

const BROKEN = `apiVersion: custos/v1
kind: Owner
metadata: {name: newcomers}
spec:
  contacts: {email: [new@corp.example]}
---
apiVersion: custos/v1
kind: Policy
metadata: {name: broken}
spec:
  type: compliance
  code: broken
  severity: low
  validations:
    - expression: |
        certificate.keyAlgorithm == 'RSA' &&
        certificate.keySize >=
      message: never applied
`;

/** Four problems in three documents, and a valid Owner that must not be stored either. */
const EVERY_PROBLEM = `apiVersion: custos/v1
kind: Owner
metadata: {name: latecomers}
spec:
  contacts: {email: [late@corp.example]}
---
apiVersion: custos/v1
kind: Policy
metadata: {name: half-broken}
spec:
  type: compliance
  code: half-broken
  severity: urgent
  validations:
    - expression: "certificate.keySize >= 2048"
      message: fine
    - expression: "certificate.keySize >="
      message: broken
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: ghosts}
spec:
  owner: nobody
  match: {dnsNames: ["*.ghost.example"]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: odd-port}
spec:
  owner: latecomers
  match: {ports: [70000]}
`;

for (const dialect of DIALECTS) {
  describe(`custos apply on ${dialect.name}: owners, rules, policies and exceptions over a scanned inventory`, () => {
    let dir: string;
    let custos: Custos;
    let database: TestDatabase | undefined;
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    const certs: Record<string, BuiltCertificate> = {};
    const exceptionExpires = new Date(Date.now() + DAY);
    let inventory: Map<string, Entry>;

    const list = async (...flags: string[]): Promise<Entry[]> => {
      const listed = await custos.run('inventory', 'list', '--json', ...flags);
      assert.equal(listed.code, 0, listed.stderr);
      return listed.json<Entry[]>();
    };
    const entryOf = (name: string): Entry => {
      const entry = inventory.get(certs[name]?.fingerprintSha256 ?? '');
      assert.ok(entry, `${name} is not in the inventory`);
      return entry;
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-ownership-'));
      certs.api = await aCertificate(withDnsNames('api.corp.example'));
      certs.workload = await aCertificate(
        withDnsNames('pay.corp.example'),
        withUris('spiffe://corp.example/ns/payments/sa/web'),
      );
      certs.www = await aCertificate(withDnsNames('www.corp.example'));
      certs.plc = await aCertificate(withDnsNames('plc.corp.example'), withKey('RSA', 1024));
      certs.stray = await aCertificate(withDnsNames('stray.example'));
      const files: Record<string, string> = {
        api: 'payments/api/tls.crt',
        workload: 'payments/workload.pem',
        www: 'web/www.pem',
        plc: 'legacy/plc.pem',
        stray: 'stray/stray.pem',
      };
      for (const [name, path] of Object.entries(files)) {
        await mkdir(join(dir, 'tree', path, '..'), { recursive: true });
        await writeFile(join(dir, 'tree', path), certs[name]?.pem ?? '');
      }
      database = await dialect.create();
      custos = await aCustos({
        dataDir: database.options.dataDir,
        databaseUrl: database.options.databaseUrl,
      });
      const scanned = await custos.run('scan', 'files', join(dir, 'tree'), '--json');
      assert.equal(scanned.code, 0, scanned.stderr);
      await writeFile(
        join(dir, 'governance.yaml'),
        governanceYaml(join(dir, 'tree'), exceptionExpires, certs.plc?.fingerprintSha256 ?? ''),
      );
      const applied = await custos.run('apply', '-f', join(dir, 'governance.yaml'), '--json');
      assert.equal(applied.code, 0, applied.stderr);
      inventory = new Map((await list()).map((e) => [e.fingerprintSha256, e]));
    });
    after(async () => {
      await custos?.cleanup();
      await database?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('every certificate a rule or identity covers is assigned; the rest are unowned', async () => {
      assert.equal(entryOf('api').owner, 'payments');
      assert.equal(entryOf('workload').owner, 'payments');
      assert.equal(entryOf('workload').identity, 'payments-api');
      assert.equal(entryOf('www').owner, 'web');
      assert.equal(entryOf('plc').owner, null);
      assert.equal(entryOf('stray').owner, null);
      for (const name of ['api', 'workload', 'www']) {
        assert.ok(!entryOf(name).findings.some((f) => f.code === 'unowned'), `${name} is owned`);
      }
      for (const name of ['plc', 'stray']) {
        assert.ok(
          entryOf(name).findings.some((f) => f.code === 'unowned'),
          `${name} is unowned`,
        );
      }
      const unowned = (await list('--unowned')).map((e) => e.fingerprintSha256).sort();
      assert.deepEqual(unowned, [certs.plc?.fingerprintSha256, certs.stray?.fingerprintSha256].sort());
      const payments = (await list('--owner', 'payments')).map((e) => e.fingerprintSha256).sort();
      assert.deepEqual(payments, [certs.api?.fingerprintSha256, certs.workload?.fingerprintSha256].sort());
    });

    test('policies produce their findings: the applied one and the defaults', () => {
      const codes = (name: string) => entryOf(name).findings.map((f) => f.code);
      assert.ok(codes('plc').includes('rsa-too-small'));
      assert.ok(codes('plc').includes('key-type-not-allowed'), 'default allowed-key-types');
      assert.ok(codes('workload').includes('spiffe-id-mismatch'), 'default spiffe-id-matches-identity');
      assert.ok(!codes('api').includes('rsa-too-small'));
      const rsa = entryOf('plc').findings.find((f) => f.code === 'rsa-too-small');
      assert.equal(rsa?.severity, 'high');
      assert.match(rsa?.message ?? '', /RSA keys must be at least 3072 bits/);
    });

    test('waived findings stay visible with waivedBy, and `findings` counts them apart', async () => {
      const plc = entryOf('plc').findings;
      assert.equal(plc.find((f) => f.code === 'key-type-not-allowed')?.waivedBy, 'legacy-plc');
      assert.equal(plc.find((f) => f.code === 'rsa-too-small')?.waivedBy, 'legacy-plc');
      assert.equal(
        plc.find((f) => f.code === 'weak-key'),
        undefined,
        'one code per fact: key-type-not-allowed states it',
      );
      assert.equal(entryOf('stray').findings.find((f) => f.code === 'unowned')?.waivedBy, undefined);
      const findings = await custos.run('findings');
      assert.equal(findings.code, 0, findings.stderr);
      assert.match(findings.stdout, /\(2 waived\)/);
    });

    test('an expired exception stops waiving', async () => {
      const later = new Date(exceptionExpires.getTime() + DAY).toISOString();
      const entries = await list('--at', later);
      const plc = entries.find((e) => e.fingerprintSha256 === certs.plc?.fingerprintSha256);
      assert.ok(plc);
      assert.ok(plc.findings.some((f) => f.code === 'key-type-not-allowed'));
      assert.ok(
        plc.findings.every((f) => f.waivedBy === undefined),
        JSON.stringify(plc.findings),
      );
      const listed = await custos.run('exceptions', 'list', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        listed.json<Array<{ name: string; state: string }>>().map((e) => [e.name, e.state]),
        [['legacy-plc', 'expiring']],
      );
    });

    test('a CEL syntax error is refused with its line and nothing from that file is applied', async () => {
      await writeFile(join(dir, 'broken.yaml'), BROKEN);
      const refused = await custos.run('apply', '-f', join(dir, 'broken.yaml'));
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /CUSTOS_MANIFEST_INVALID/);
      assert.match(
        refused.stderr,
        /broken\.yaml:17: document 2 \(Policy\/broken\) spec\.validations\[0\]\.expression: CEL: /,
      );
      const owners = await custos.run('get', 'owners', '-o', 'json');
      assert.deepEqual(
        owners.json<Array<{ metadata: { name: string } }>>().map((o) => o.metadata.name),
        ['payments', 'security', 'web'],
      );
      const policies = await custos.run('get', 'policies', '-o', 'json');
      assert.ok(
        !policies.json<Array<{ metadata: { name: string } }>>().some((p) => p.metadata.name === 'broken'),
      );
    });

    test('get prints what is stored, with webhook secrets redacted', async () => {
      const yaml = await custos.run('get', 'owners', '-o', 'yaml');
      assert.equal(yaml.code, 0, yaml.stderr);
      assert.match(yaml.stdout, /kind: Owner/);
      assert.doesNotMatch(yaml.stdout, /very-secret/);
      const policies = await custos.run('get', 'policies');
      assert.match(policies.stdout, /owner-required/);
      assert.match(policies.stdout, /rsa-minimum/);
    });

    test('an invalid file reports every problem at once, each with document, field path and line', async () => {
      await writeFile(join(dir, 'every-problem.yaml'), EVERY_PROBLEM);
      const refused = await custos.run('apply', '-f', join(dir, 'every-problem.yaml'));
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /CUSTOS_MANIFEST_INVALID/);
      assert.match(refused.stderr, /4 problems, nothing was applied/);
      const file = join(dir, 'every-problem.yaml');
      for (const line of [
        `${file}:13: document 2 (Policy/half-broken) spec.severity: expected one of info, low, medium, high, critical, got string "urgent"`,
        `${file}:17: document 2 (Policy/half-broken) spec.validations[1].expression: CEL: `,
        `${file}:24: document 3 (OwnershipRule/ghosts) spec.owner: no Owner named "nobody" in this file or the store`,
        `${file}:32: document 4 (OwnershipRule/odd-port) spec.match.ports[0]: expected an integer from 1 to 65535, got number 70000`,
      ]) {
        assert.ok(refused.stderr.includes(line), `missing ${line} in:\n${refused.stderr}`);
      }
      const owners = await custos.run('get', 'owners', '-o', 'json');
      assert.ok(
        !owners.json<Array<{ metadata: { name: string } }>>().some((o) => o.metadata.name === 'latecomers'),
        'nothing from the file is applied',
      );
    });

    test('applying what `get owners -o yaml` printed keeps the stored webhook secrets', async () => {
      const printed = await custos.run('get', 'owners', '-o', 'yaml');
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /secret: \(redacted\)/);
      await writeFile(join(dir, 'owners.yaml'), printed.stdout);
      const applied = await custos.run('apply', '-f', join(dir, 'owners.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /Owner\/payments unchanged/);

      await writeFile(
        join(dir, 'new-hook.yaml'),
        printed.stdout.replace('https://hooks.corp.example/custos', 'https://hooks.corp.example/other'),
      );
      const refused = await custos.run('apply', '-f', join(dir, 'new-hook.yaml'));
      assert.equal(refused.code, 2);
      assert.match(
        refused.stderr,
        /\(Owner\/payments\) spec\.contacts\.webhooks\[0\]\.secret: "\(redacted\)" keeps a stored secret, but Owner\/payments has none stored for https:\/\/hooks\.corp\.example\/other: write the secret itself/,
      );

      assert.ok(database);
      // The secrets are sealed under the CLI's audit key (audit.key in its --data-dir), not the test database's.
      const keyDir = custos.stateFlags[custos.stateFlags.indexOf('--data-dir') + 1] ?? '';
      const store = await openStore({
        ...database.options,
        auditKeys: await loadAuditKeyring({ dataDir: keyDir }),
      });
      try {
        const payments = (await store.objects.list('Owner')).find(
          (o) => o.object.metadata.name === 'payments',
        );
        assert.deepEqual(payments?.object.spec.contacts.webhooks, [
          { url: 'https://hooks.corp.example/custos', secret: 'very-secret' },
        ]);
      } finally {
        await store.close();
      }
    });

    test('an assignment beats every rule; a changed rule re-assigns; every owner change is audited', async () => {
      const assigned = await custos.run(
        'owners',
        'assign',
        certs.stray?.fingerprintSha256.slice(0, 10) ?? '',
        'security',
      );
      assert.equal(assigned.code, 0, assigned.stderr);
      const moved = governanceYaml(
        join(dir, 'tree'),
        exceptionExpires,
        certs.plc?.fingerprintSha256 ?? '',
      ).replace(
        'metadata: {name: web-names}\nspec:\n  owner: web',
        'metadata: {name: web-names}\nspec:\n  owner: security',
      );
      await writeFile(join(dir, 'moved.yaml'), moved);
      const dry = await custos.run('apply', '--dry-run', '-f', join(dir, 'moved.yaml'));
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /OwnershipRule\/web-names configured \(dry run\)/);
      assert.match(dry.stdout, /owner web -> security by rule web-names \(dry run\)/);
      assert.equal((await list('--owner', 'web')).length, 1, 'a dry run changes nothing');

      const applied = await custos.run('apply', '-f', join(dir, 'moved.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /Owner\/payments unchanged/);
      const security = (await list('--owner', 'security')).map((e) => e.fingerprintSha256).sort();
      assert.deepEqual(security, [certs.stray?.fingerprintSha256, certs.www?.fingerprintSha256].sort());

      const exported = await custos.run('audit', 'export');
      assert.equal(exported.code, 0, exported.stderr);
      const events = exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; subject: string; data: Record<string, unknown> });
      const assignment = events.find((e) => e.type === 'owner.assigned');
      assert.equal(assignment?.subject, certs.stray?.fingerprintSha256);
      assert.deepEqual([assignment?.data.oldOwner, assignment?.data.newOwner], [null, 'security']);
      const change = events.find(
        (e) =>
          e.type === 'owner.changed' &&
          e.subject === certs.www?.fingerprintSha256 &&
          e.data.newOwner === 'security',
      );
      assert.deepEqual([change?.data.oldOwner, change?.data.by], ['web', 'rule web-names']);
      assert.ok(events.some((e) => e.type === 'object.created' && e.subject === 'Policy/rsa-minimum'));
      assert.ok(
        events.some((e) => e.type === 'object.configured' && e.subject === 'OwnershipRule/web-names'),
      );
      assert.ok(!exported.stdout.includes('very-secret'), 'secrets never enter the audit trail');
      // A redacted `get -o json` and the export allow no offline guess of the secret: the digest is of the
      // redacted object, so trying the right secret does not reproduce it.
      const printed = (await custos.run('get', 'owners', '-o', 'json')).json<
        Array<{ metadata: { name: string }; spec: { contacts: { webhooks?: Array<{ secret: string }> } } }>
      >();
      const payments = printed.find((o) => o.metadata.name === 'payments');
      assert.ok(payments);
      const digest = (o: unknown) =>
        createHash('sha256')
          .update(JSON.stringify([(o as typeof payments).metadata, (o as typeof payments).spec]))
          .digest('hex');
      const guessed = structuredClone(payments);
      for (const webhook of guessed.spec.contacts.webhooks ?? []) webhook.secret = 'very-secret';
      const recorded = events
        .filter((e) => e.subject === 'Owner/payments' && typeof e.data.specSha256 === 'string')
        .map((e) => e.data.specSha256);
      assert.ok(recorded.length > 0);
      assert.ok(!recorded.includes(digest(guessed)), 'the right guess of the secret does not match');
      assert.ok(recorded.includes(digest(payments)), 'the digest is of the object as get prints it');
      const verified = await custos.run('audit', 'verify');
      assert.equal(verified.code, 0, verified.stderr);
    });
  });
}
