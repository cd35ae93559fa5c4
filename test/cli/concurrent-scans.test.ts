/**
 * Two `custos scan files` at once on a fresh state (issue 10, "Concurrent runs never fail"), on SQLite and on
 * PostgreSQL, as real processes, several times over: both succeed (no migration race, no duplicate sighting), and
 * the inventory and the audit trail are what one scan leaves (each sighting started once, the chain intact).
 */
import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aCertificate, asCA, issuedBy, withFreshKey, withSubject } from '../support/certificates.js';
import { aCustos } from '../support/cli.js';
import { DIALECTS } from '../store/dialects.js';
import type { AuditLine } from './contract-types.js';

const ROUNDS = 5;
const FILES = 12;

interface Listed {
  fingerprintSha256: string;
  locations: unknown[];
}

for (const dialect of DIALECTS) {
  describe(`two scans at once on a fresh ${dialect.name} state`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    before(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'custos-concurrent-')));
      const ca = await aCertificate(withSubject('CN=Concurrent CA'), asCA());
      for (let i = 0; i < FILES; i++) {
        const leaf = await aCertificate(withSubject(`CN=leaf-${i}.example`), withFreshKey(), issuedBy(ca));
        await writeFile(join(dir, `leaf-${i}.pem`), leaf.pem);
      }
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it(`both succeed and leave the inventory of one scan (${ROUNDS} rounds)`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const db = await dialect.create();
        const custos = await aCustos(db.options);
        try {
          const [a, b] = await Promise.all([
            custos.run('scan', 'files', dir, '--json'),
            custos.run('scan', 'files', dir, '--json'),
          ]);
          assert.equal(a.code, 0, `round ${round}, first scan: ${a.stderr}`);
          assert.equal(b.code, 0, `round ${round}, second scan: ${b.stderr}`);
          const listed = await custos.run('inventory', 'list', '--json');
          assert.equal(listed.code, 0, listed.stderr);
          const entries = listed.json<Listed[]>();
          assert.equal(entries.length, FILES, `round ${round}`);
          for (const entry of entries) assert.equal(entry.locations.length, 1, `round ${round}`);
          const exported = await custos.run('audit', 'export');
          assert.equal(exported.code, 0, exported.stderr);
          const lines = exported.stdout
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as AuditLine);
          const count = (type: string) => lines.filter((line) => line.type === type).length;
          assert.equal(count('certificate.discovered'), FILES, `round ${round}`);
          assert.equal(count('sighting.started'), FILES, `round ${round}`);
          assert.equal(count('scan.completed'), 2);
          const verified = await custos.run('audit', 'verify');
          assert.equal(verified.code, 0, verified.stderr);
        } finally {
          await custos.cleanup();
          await db.dispose();
        }
      }
    });
  });
}
