/**
 * `custos get KIND [NAME]` takes kinds as kubectl does (singular or plural, any case), and `custos delete KIND
 * NAME...` / `delete -f FILE` retracts what the objects decided, through the real CLI on every store: an exception
 * deleted ends its waiver, a policy deleted retracts its decisions, an owner and its rule deleted together leave
 * the certificate unowned — each audited (`object.deleted`, `policy.decided`, `owner.changed`), all or nothing,
 * with the codes scripts rely on, and the audit state still verifies.
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
  subject: string;
  data: Record<string, unknown>;
}

interface Listed {
  fingerprintSha256: string;
  owner: string | null;
  findings: Array<{ code: string; waivedBy?: string }>;
}

const DAY = 86_400_000;

const governance = (plc: BuiltCertificate): string => `apiVersion: custos/v1
kind: Owner
metadata: {name: plant}
spec:
  contacts: {email: [plant@corp.example]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: plant-hosts}
spec:
  owner: plant
  match: {dnsNames: ["*.corp.example"]}
---
apiVersion: custos/v1
kind: Exception
metadata: {name: legacy-plc}
spec:
  waives: [key-type-not-allowed]
  scope: {fingerprints: ["${plc.fingerprintSha256.slice(0, 12)}"]}
  reason: "PLC firmware cannot hold a 2048-bit key until the 2027 refit"
  compensatingControl: "reachable only through gateway gw-3"
  approver: ciso@corp.example
  expires: "${new Date(Date.now() + 30 * DAY).toISOString()}"
`;

for (const dialect of DIALECTS) {
  describe(`get and delete of declarative objects on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let custos: Custos;
    let database: TestDatabase | undefined;
    let plc: BuiltCertificate;

    const ok = async (...args: string[]) => {
      const result = await custos.run(...args);
      assert.equal(result.code, 0, `custos ${args.join(' ')}: ${result.stderr}`);
      return result;
    };
    const events = async (type: string): Promise<AuditEvent[]> =>
      (await ok('audit', 'export')).stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as AuditEvent)
        .filter((e) => e.type === type);
    const plcListed = async (): Promise<Listed> => {
      const listed = (await ok('inventory', 'list', '--json')).json<Listed[]>();
      const found = listed.find((c) => c.fingerprintSha256 === plc.fingerprintSha256);
      assert.ok(found, 'the PLC certificate is listed');
      return found;
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-delete-objects-'));
      plc = await aCertificate(withDnsNames('plc.corp.example'), withKey('RSA', 1024));
      await mkdir(join(dir, 'tree'));
      await writeFile(join(dir, 'tree', 'plc.pem'), plc.pem);
      await writeFile(join(dir, 'governance.yaml'), governance(plc));
      database = await dialect.create();
      custos = await aCustos({
        dataDir: database.options.dataDir,
        databaseUrl: database.options.databaseUrl,
      });
      await ok('scan', 'files', join(dir, 'tree'));
      await ok('apply', '-f', join(dir, 'governance.yaml'));
    });
    after(async () => {
      await custos?.cleanup();
      await database?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('get takes a kind singular or plural, in any case, and one object by name', async () => {
      for (const word of ['owners', 'owner', 'Owner', 'OWNERS']) {
        const listed = await ok('get', word);
        assert.match(listed.stdout, /^plant +plant@corp\.example/m, word);
        assert.match(listed.stdout, /^1 owner$/m, word);
      }
      for (const word of ['rule', 'rules', 'OwnershipRule', 'ownershiprules'])
        assert.match((await ok('get', word)).stdout, /^plant-hosts /m, word);
      const one = (await ok('get', 'owner', 'plant', '-o', 'json')).json<{ metadata: { name: string } }>();
      assert.equal(one.metadata.name, 'plant');
      assert.match((await ok('get', 'exception', 'legacy-plc', '-o', 'yaml')).stdout, /^kind: Exception$/m);

      const missing = await custos.run('get', 'owner', 'nobody');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^custos: CUSTOS_NOT_FOUND: no Owner named "nobody"/);
      const unknown = await custos.run('get', 'teams');
      assert.equal(unknown.code, 2);
      assert.match(
        unknown.stderr,
        /CUSTOS_USAGE: "teams" is not a kind of object \(use one of owner\|owners,/,
      );
    });

    test('an owner still named by a rule is not deleted; an unknown object is not found unless ignored', async () => {
      const inUse = await custos.run('delete', 'owner', 'plant');
      assert.equal(inUse.code, 2);
      assert.match(
        inUse.stderr,
        /CUSTOS_OBJECT_IN_USE: 1 reference to what would be deleted: OwnershipRule\/plant-hosts spec\.owner names Owner\/plant; nothing was deleted/,
      );
      const missing = await custos.run('delete', 'exceptions', 'legacy-plc', 'nobody');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /CUSTOS_NOT_FOUND: no Exception\/nobody; nothing was deleted/);
      assert.equal((await ok('get', 'owners', '-o', 'json')).json<unknown[]>().length, 1);
      assert.equal((await ok('get', 'exceptions', '-o', 'json')).json<unknown[]>().length, 1);
      assert.deepEqual(await events('object.deleted'), []);
      const managed = await custos.run('delete', 'managedcertificate', 'web');
      assert.equal(managed.code, 2);
      assert.match(managed.stderr, /CUSTOS_USAGE: .*custos managed delete web/);
    });

    test('deleting an exception ends its waiver, audited', async () => {
      assert.equal(
        (await plcListed()).findings.find((f) => f.code === 'key-type-not-allowed')?.waivedBy,
        'legacy-plc',
      );
      const deleted = await ok('delete', 'Exception', 'legacy-plc', 'nobody', '--ignore-not-found', '--json');
      assert.deepEqual(deleted.json<{ objects: unknown[] }>().objects, [
        { kind: 'Exception', name: 'legacy-plc', change: 'deleted' },
        { kind: 'Exception', name: 'nobody', change: 'not-found' },
      ]);
      const finding = (await plcListed()).findings.find((f) => f.code === 'key-type-not-allowed');
      assert.ok(finding, 'the finding stays');
      assert.equal(finding.waivedBy, undefined, 'no longer waived');
      assert.deepEqual(
        (await events('object.deleted')).map((e) => [e.subject, e.data]),
        [['Exception/legacy-plc', { kind: 'Exception', name: 'legacy-plc' }]],
      );
      const decided = (await events('policy.decided')).at(-1);
      assert.deepEqual(
        [decided?.subject, decided?.data.policy, decided?.data.oldResult, decided?.data.newResult],
        [plc.fingerprintSha256, 'allowed-key-types', 'waived', 'violated'],
      );
    });

    test('deleting a policy retracts its decisions: its finding goes and the retraction is audited', async () => {
      const deleted = await ok('delete', 'policy', 'allowed-key-types');
      assert.match(deleted.stdout, /^Policy\/allowed-key-types deleted$/m);
      assert.match(deleted.stdout, /policy allowed-key-types violated -> retracted$/m);
      const codes = (await plcListed()).findings.map((f) => f.code);
      assert.ok(!codes.includes('key-type-not-allowed'), codes.join(','));
      assert.ok(codes.includes('weak-key'), `the built-in check states the fact again: ${codes.join(',')}`);
      const decided = (await events('policy.decided')).at(-1);
      assert.deepEqual(
        [decided?.data.policy, decided?.data.oldResult, decided?.data.newResult],
        ['allowed-key-types', 'violated', 'retracted'],
      );
      assert.ok(!(await ok('get', 'policies')).stdout.includes('allowed-key-types'));
    });

    test('delete -f deletes what a file declares, together, and the owner it gave goes', async () => {
      assert.equal((await plcListed()).owner, 'plant');
      const refused = await custos.run('delete', '-f', join(dir, 'governance.yaml'));
      assert.equal(refused.code, 2, 'the exception is gone already');
      assert.match(refused.stderr, /CUSTOS_NOT_FOUND: no Exception\/legacy-plc/);
      const deleted = await ok('delete', '-f', join(dir, 'governance.yaml'), '--ignore-not-found');
      assert.match(deleted.stdout, /^Owner\/plant deleted$/m);
      assert.match(deleted.stdout, /^OwnershipRule\/plant-hosts deleted$/m);
      assert.match(deleted.stdout, /^Exception\/legacy-plc not found \(ignored\)$/m);
      assert.match(deleted.stdout, /owner plant -> \(none\) by no rule or assignment$/m);
      assert.equal((await plcListed()).owner, null);
      const changed = (await events('owner.changed')).at(-1);
      assert.deepEqual([changed?.data.oldOwner, changed?.data.newOwner], ['plant', null]);
      assert.equal((await ok('get', 'owners', '-o', 'json')).json<unknown[]>().length, 0);
      await ok('audit', 'verify', '--state');
    });
  });
}
