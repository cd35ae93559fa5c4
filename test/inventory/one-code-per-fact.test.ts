/**
 * Issue 9, "one code per fact": a weak key is `key-type-not-allowed` (the default policy's code) and not also
 * `weak-key`; a leaf valid too long is `validity-too-long`, not also `long-validity`; a waived code is marked as
 * waived in the `inventory list` table. Through the real CLI on real files, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import {
  aCertificate,
  validFor,
  withDnsNames,
  withKey,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

interface Entry {
  fingerprintSha256: string;
  findings: Array<{ code: string; waivedBy?: string }>;
}

for (const dialect of DIALECTS) {
  describe(`one code per fact (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let db: TestDatabase;
    let custos: Custos;
    let weak: BuiltCertificate;
    let long: BuiltCertificate;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-one-code-'));
      weak = await aCertificate(withKey('RSA', 1024), withDnsNames('weak.corp.example'));
      long = await aCertificate(withDnsNames('long.corp.example'), validFor(800));
      await writeFile(join(dir, 'weak.pem'), weak.pem);
      await writeFile(join(dir, 'long.pem'), long.pem);
      db = await dialect.create();
      custos = await aCustos(db.options);
      const scan = await custos.run('scan', 'files', dir);
      assert.equal(scan.code, 0, scan.stderr);
    });
    after(async () => {
      await custos?.cleanup();
      await db?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const codesOf = async (): Promise<Map<string, string[]>> => {
      const list = await custos.run('inventory', 'list', '--json');
      assert.equal(list.code, 0, list.stderr);
      return new Map(
        list.json<Entry[]>().map((e) => [e.fingerprintSha256, e.findings.map((f) => f.code).sort()]),
      );
    };

    test('the policy code stands for the fact, the built-in code is left out', async () => {
      const codes = await codesOf();
      const weakCodes = codes.get(weak.fingerprintSha256) ?? [];
      assert.ok(weakCodes.includes('key-type-not-allowed'), weakCodes.join(','));
      assert.ok(!weakCodes.includes('weak-key'), weakCodes.join(','));
      const longCodes = codes.get(long.fingerprintSha256) ?? [];
      assert.ok(longCodes.includes('validity-too-long'), longCodes.join(','));
      assert.ok(!longCodes.includes('long-validity'), longCodes.join(','));
      const findings = await custos.run('findings', '--json');
      const rows = findings.json<Array<{ fingerprintSha256: string; code: string }>>();
      assert.deepEqual(
        rows
          .filter((r) => r.fingerprintSha256 === weak.fingerprintSha256 && /key/.test(r.code))
          .map((r) => r.code),
        ['key-type-not-allowed'],
      );
    });

    test('a waived code is marked as waived in the table', async () => {
      await writeFile(
        join(dir, 'exception.yaml'),
        `apiVersion: custos/v1
kind: Exception
metadata: {name: legacy-weak}
spec:
  waives: [key-type-not-allowed]
  scope:
    fingerprints: ["${weak.fingerprintSha256}"]
  reason: a legacy appliance
  compensatingControl: isolated network
  approver: security@corp.example
  expires: "${new Date(Date.now() + 30 * 86_400_000).toISOString()}"
`,
      );
      const applied = await custos.run('apply', '-f', join(dir, 'exception.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
      const table = await custos.run('inventory', 'list');
      assert.equal(table.code, 0, table.stderr);
      const line = table.stdout.split('\n').find((l) => l.startsWith(weak.fingerprintSha256.slice(0, 16)));
      assert.match(line ?? '', /key-type-not-allowed\(waived\)/);
      assert.doesNotMatch(line ?? '', /weak-key/);
    });
  });
}
