/**
 * `custos audit verify --state` through the real CLI, on SQLite and on PostgreSQL: after scans, an apply and an
 * owner assignment the state is what the events say (exit 0); an edit of a state table in SQL that wrote no event
 * (an open sighting deleted, a recorded owner or an assignment changed, a stored object's spec rewritten) makes it
 * exit 1 with one CUSTOS_AUDIT_STATE_MISMATCH line per difference, naming the area.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { AreaVerification } from '../../src/core/audit/verify-state.js';
import { DIALECTS } from '../store/dialects.js';
import { aScannedStore, type Scanned } from './audit-support.js';

const owners = (root: string): string => `apiVersion: custos/v1
kind: Owner
metadata: {name: plant}
spec:
  contacts: {email: [plant@corp.example]}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: ops}
spec:
  contacts: {email: [ops@corp.example]}
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

/** Applies two owners and a rule, then assigns one certificate to `ops`. */
async function governed(s: Scanned): Promise<void> {
  await writeFile(join(s.dir, 'owners.yaml'), owners(s.dir));
  const applied = await s.custos.run('apply', '-f', join(s.dir, 'owners.yaml'));
  assert.equal(applied.code, 0, applied.stderr);
  const [row] = await s.db.query<{ fingerprint: string }>(
    "select fingerprint from certificate_ownership where owner = 'plant' order by fingerprint",
  );
  assert.ok(row, 'the rule gave a certificate an owner');
  const assigned = await s.custos.run('owners', 'assign', row.fingerprint, 'ops');
  assert.equal(assigned.code, 0, assigned.stderr);
}

async function stateFailsWith(s: Scanned, area: string, pattern: RegExp): Promise<void> {
  const result = await s.custos.run('audit', 'verify', '--state');
  assert.equal(result.code, 1, `audit verify --state should fail:\n${result.stdout}${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  for (const line of lines) assert.match(line, /^custos: CUSTOS_AUDIT_STATE_MISMATCH: /);
  assert.ok(
    lines.some(
      (line) => line.startsWith(`custos: CUSTOS_AUDIT_STATE_MISMATCH: ${area}: `) && pattern.test(line),
    ),
    result.stderr,
  );
  const json = await s.custos.run('audit', 'verify', '--state', '--json');
  assert.equal(json.code, 1);
  const report = json.json<{ ok: boolean; areas: AreaVerification[] }>();
  assert.equal(report.ok, false);
  assert.deepEqual(
    report.areas.filter((a) => !a.ok).map((a) => a.area),
    [area],
  );
}

for (const dialect of DIALECTS) {
  describe(`custos audit verify --state on ${dialect.name}`, () => {
    const withStore = (name: string, work: (s: Scanned) => Promise<void>) =>
      test(name, async (t) => {
        if (dialect.unavailable) {
          t.skip(dialect.unavailable);
          return;
        }
        const scanned = await aScannedStore(await dialect.create());
        try {
          await governed(scanned);
          await work(scanned);
        } finally {
          await scanned.dispose();
        }
      });

    withStore('after scans, an apply and an assignment the state is what the events say', async (s) => {
      const result = await s.custos.run('audit', 'verify', '--state');
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /the state is what the events say \(inventory, ownership, assignments, objects\)/,
      );
      const json = await s.custos.run('audit', 'verify', '--state', '--json');
      assert.equal(json.code, 0, json.stderr);
      const report = json.json<{ ok: boolean; areas: AreaVerification[] }>();
      assert.equal(report.ok, true);
      assert.deepEqual(
        report.areas.map((a) => [a.area, a.ok, a.checked, a.mismatches.length]),
        [
          ['inventory', true, true, 0],
          ['ownership', true, true, 0],
          ['assignments', true, true, 0],
          ['objects', true, true, 0],
        ],
      );
      const rescan = await s.custos.run('scan', 'files', s.dir);
      assert.equal(rescan.code, 0, rescan.stderr);
      assert.equal((await s.custos.run('audit', 'verify', '--state')).code, 0, 'still so after a rescan');
    });

    withStore('an open sighting deleted in SQL', async (s) => {
      await s.db.exec(
        'delete from sightings where id in (select id from sightings where ended_at is null order by id limit 1)',
      );
      await stateFailsWith(s, 'inventory', /is open by the events but not in the inventory/);
    });

    withStore('a recorded owner changed in SQL', async (s) => {
      await s.db.exec("update certificate_ownership set owner = 'mallory' where owner = 'plant'");
      await stateFailsWith(s, 'ownership', /has "mallory" recorded as its owner, but .* say "plant"/);
    });

    withStore('an owner assignment changed in SQL', async (s) => {
      await s.db.exec("update owner_assignments set owner = 'plant'");
      await stateFailsWith(
        s,
        'assignments',
        /is assigned to "plant", but its owner.assigned events say "ops"/,
      );
    });

    withStore("a stored object's spec rewritten in SQL", async (s) => {
      await s.db.exec(
        `update declared_objects set spec = '{"contacts":{"email":["mallory@evil.example"]}}' where kind = 'Owner' and name = 'plant'`,
      );
      await stateFailsWith(
        s,
        'objects',
        /Owner\/plant is stored with spec sha256 \w+, but its last object event/,
      );
    });

    withStore('--state is refused with --file', async (s) => {
      const result = await s.custos.run('audit', 'verify', '--state', '--file', join(s.dir, 'owners.yaml'));
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^custos: CUSTOS_USAGE: --state/);
    });
  });
}
