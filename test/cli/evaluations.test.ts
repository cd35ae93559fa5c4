/**
 * Evaluations are stored with the change that calls for them, through the real CLI: a scan stores each new
 * certificate's evaluation, a rescan of the unchanged tree writes none, and an apply that gives the certificates an
 * owner changes the stored findings that `inventory list` shows.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { StoredEvaluation } from '../../src/core/evaluation/evaluation.js';
import { openStore } from '../../src/store/open-store.js';
import { aCertificate, withDnsNames, withKey, type BuiltCertificate } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

const ownedByPlant = (root: string): string => `apiVersion: custos/v1
kind: Owner
metadata: {name: plant}
spec:
  contacts: {email: [plant@corp.example]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: plant-files}
spec:
  owner: plant
  order: 10
  match:
    paths: ["${root}/**"]
`;

/** The lint-* findings (no EKU, a CN beside the SANs on these builder certificates) are tested in lint.test.ts. */
const notLint = (code: string): boolean => !code.startsWith('lint-');

for (const dialect of DIALECTS) {
  describe(`stored evaluations through the CLI on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let custos: Custos;
    let database: TestDatabase | undefined;
    let plc: BuiltCertificate;
    let api: BuiltCertificate;

    const stored = async (): Promise<Map<string, StoredEvaluation>> => {
      if (database === undefined) throw new Error('no database');
      const store = await openStore(database.options);
      try {
        return await store.evaluations.evaluationsOf([plc.fingerprintSha256, api.fingerprintSha256]);
      } finally {
        await store.close();
      }
    };
    const listed = async (): Promise<
      Array<{ fingerprintSha256: string; owner: string | null; codes: string[] }>
    > => {
      const list = await custos.run('inventory', 'list', '--json');
      assert.equal(list.code, 0, list.stderr);
      return (
        JSON.parse(list.stdout) as Array<{
          fingerprintSha256: string;
          owner: string | null;
          findings: Array<{ code: string }>;
        }>
      )
        .map((v) => ({
          fingerprintSha256: v.fingerprintSha256,
          owner: v.owner,
          codes: v.findings.map((f) => f.code).sort(),
        }))
        .sort((a, b) => a.fingerprintSha256.localeCompare(b.fingerprintSha256));
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-evaluations-'));
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

    test('a scan stores each new certificate evaluated; a rescan of the unchanged tree writes none', async () => {
      assert.equal((await custos.run('scan', 'files', join(dir, 'tree'))).code, 0);
      const first = await stored();
      assert.equal(first.size, 2);
      assert.deepEqual(
        first
          .get(plc.fingerprintSha256)
          ?.findings.map((f) => f.code)
          .filter(notLint)
          .sort(),
        ['key-type-not-allowed', 'unowned'],
      );
      const rescanned = await custos.run('scan', 'files', join(dir, 'tree'));
      assert.equal(rescanned.code, 0, rescanned.stderr);
      const second = await stored();
      for (const [fingerprint, evaluation] of first)
        assert.equal(second.get(fingerprint)?.evaluatedAt.getTime(), evaluation.evaluatedAt.getTime());
    });

    test('apply changes the stored findings, and inventory list shows them', async () => {
      const listedBefore = await listed();
      assert.ok(listedBefore.every((v) => v.owner === null && v.codes.includes('unowned')));
      await writeFile(join(dir, 'owners.yaml'), ownedByPlant(join(dir, 'tree')));
      const applied = await custos.run('apply', '-f', join(dir, 'owners.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
      const now = await stored();
      assert.equal(now.get(api.fingerprintSha256)?.owner, 'plant');
      assert.deepEqual(
        now
          .get(api.fingerprintSha256)
          ?.findings.map((f) => f.code)
          .filter(notLint),
        [],
      );
      assert.deepEqual(
        now
          .get(plc.fingerprintSha256)
          ?.findings.map((f) => f.code)
          .filter(notLint),
        ['key-type-not-allowed'],
      );
      const listedAfter = await listed();
      assert.ok(listedAfter.every((v) => v.owner === 'plant' && !v.codes.includes('unowned')));
    });
  });
}
