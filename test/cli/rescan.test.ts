/**
 * Rescans through the real CLI: unchanged files, a removed file, a replaced certificate, and `inventory list --at`
 * answering from the sighting history with expiry judged at that moment; on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it, test } from 'node:test';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  validFrom,
  withFreshKey,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import {
  inventoryFindings,
  type AuditLine,
  type InventoryEntry,
  type ScanSummary,
} from './contract-types.js';

const DAY_MS = 86_400_000;

let issuer: Promise<BuiltCertificate> | undefined;
/** A leaf issued by a test CA (not self-signed, so that it has no finding unless asked for). */
const aLeaf = async (name: string, ...options: Parameters<typeof aCertificate>) =>
  aCertificate(
    withSubject(`CN=${name}`),
    withFreshKey(),
    issuedBy(await (issuer ??= aCertificate(withSubject('CN=Rescan Test CA'), asCA()))),
    ...options,
  );

async function scan(custos: Custos, dir: string): Promise<ScanSummary> {
  const result = await custos.run('scan', 'files', dir, '--json');
  assert.equal(result.code, 0, result.stderr);
  return result.json<ScanSummary>();
}

async function list(custos: Custos, ...flags: string[]): Promise<InventoryEntry[]> {
  const result = await custos.run('inventory', 'list', '--json', ...flags);
  assert.equal(result.code, 0, result.stderr);
  return result.json<InventoryEntry[]>();
}

async function show(custos: Custos, certificate: BuiltCertificate): Promise<InventoryEntry> {
  const result = await custos.run('inventory', 'show', certificate.fingerprintSha256.slice(0, 12), '--json');
  assert.equal(result.code, 0, result.stderr);
  return result.json<InventoryEntry>();
}

const fingerprints = (entries: InventoryEntry[]) => entries.map((e) => e.fingerprintSha256).sort();
const of = (...certificates: BuiltCertificate[]) => certificates.map((c) => c.fingerprintSha256).sort();
const entryOf = (entries: InventoryEntry[], c: BuiltCertificate) =>
  entries.find((e) => e.fingerprintSha256 === c.fingerprintSha256);

for (const dialect of DIALECTS) {
  describe(`custos scan files: rescans (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let dir: string;
    let custos: Custos;
    let a: BuiltCertificate,
      b: BuiltCertificate,
      c: BuiltCertificate,
      d: BuiltCertificate,
      e: BuiltCertificate;
    const file = (name: string) => join(dir, name);

    before(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'custos-e2e-rescan-')));
      db = await dialect.create();
      custos = await aCustos(db.options);
      [a, b, c, d, e] = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => aLeaf(`${n}.example`)));
      await writeFile(file('a.pem'), a.pem);
      await writeFile(file('b.pem'), b.pem);
      await writeFile(file('c1.pem'), c.pem);
      await writeFile(file('c2.der'), c.der);
      await writeFile(file('d.pem'), d.pem);
    });
    after(async () => {
      await custos?.cleanup();
      await db?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    test('the first scan finds every certificate as new', async () => {
      const first = await scan(custos, dir);
      assert.deepEqual(
        { files: first.files, certificates: first.certificates, new: first.new },
        {
          files: 5,
          certificates: 4,
          new: 4,
        },
      );
    });

    test('an unchanged rescan reports nothing new, the same certificates, and moves lastSeen on', async () => {
      const before = await list(custos);
      const again = await scan(custos, dir);
      assert.deepEqual(
        { files: again.files, certificates: again.certificates, new: again.new },
        {
          files: 5,
          certificates: 4,
          new: 0,
        },
      );
      assert.equal(again.unchanged, 5, 'the five files are unchanged');
      assert.deepEqual(again.errors, []);
      const now = await list(custos);
      assert.deepEqual(fingerprints(now), of(a, b, c, d));
      const [was, is] = [entryOf(before, a)!.locations[0]!, entryOf(now, a)!.locations[0]!];
      assert.equal(is.firstSeen, was.firstSeen);
      assert.ok(is.lastSeen > was.lastSeen, `lastSeen ${is.lastSeen} should be after ${was.lastSeen}`);
    });

    test('a removed file ends its sightings; a replaced certificate ends the old sighting and starts the new', async () => {
      await unlink(file('b.pem'));
      await unlink(file('c2.der'));
      await writeFile(file('d.pem'), e.pem);
      const third = await scan(custos, dir);
      assert.deepEqual(
        { files: third.files, certificates: third.certificates, new: third.new },
        {
          files: 3,
          certificates: 3,
          new: 1,
        },
      );

      const now = await list(custos);
      assert.deepEqual(
        fingerprints(now),
        of(a, c, e),
        'b (file removed) and d (replaced) are no longer installed',
      );
      assert.deepEqual(
        entryOf(now, c)!.locations.map((l) => l.path),
        [file('c1.pem')],
      );
      assert.deepEqual(
        entryOf(now, e)!.locations.map((l) => l.path),
        [file('d.pem')],
      );

      const shownC = await show(custos, c);
      const ended = shownC.locations.find((l) => l.path === file('c2.der'));
      assert.ok(ended?.endedAt, 'the sighting in the removed file is kept, with endedAt');
      assert.ok(ended.endedAt >= ended.lastSeen);
      assert.equal(shownC.locations.find((l) => l.path === file('c1.pem'))?.endedAt, undefined);

      const shownB = await show(custos, b);
      assert.equal(shownB.locations.length, 1);
      assert.ok(shownB.locations[0]?.endedAt, 'b is still known, its only sighting ended');

      const shownD = await show(custos, d);
      const shownE = await show(custos, e);
      assert.equal(shownD.locations[0]?.path, file('d.pem'));
      assert.equal(shownE.locations[0]?.path, file('d.pem'));
      assert.equal(shownD.locations[0]?.endedAt, shownE.locations[0]?.firstSeen, 'd ended when e started');
      assert.equal(shownE.locations[0]?.endedAt, undefined);

      const retired = await list(custos, '--include-retired');
      assert.deepEqual(fingerprints(retired), of(a, b, c, d, e));
    });

    test('the audit trail records the ended sightings and the new deployment of the replaced file', async () => {
      const exported = await custos.run('audit', 'export');
      assert.equal(exported.code, 0, exported.stderr);
      const events = exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as AuditLine);
      const endedSubjects = events
        .filter((ev) => ev.type === 'sighting.ended')
        .map((ev) => ev.subject)
        .sort();
      assert.deepEqual(endedSubjects, of(b, c, d));
      assert.equal(events.filter((ev) => ev.type === 'certificate.discovered').length, 5);
      const deployments = events.filter((ev) => ev.type === 'deployment.changed');
      assert.equal(deployments.length, 1);
      assert.deepEqual(
        { previous: deployments[0]?.data.previous, current: deployments[0]?.data.current },
        { previous: [d.fingerprintSha256], current: [e.fingerprintSha256] },
      );
    });
  });

  describe(`custos inventory list --at: the state at a past moment (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let dir: string;
    let custos: Custos;
    after(async () => {
      await custos?.cleanup();
      await db?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('lists what was installed then, judged at that moment, even if removed or expired since', async (t) => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'custos-e2e-at-')));
      db = await dialect.create();
      custos = await aCustos(db.options);
      const windowMs = 6_000;
      // x expires a few seconds from now; y becomes valid a few seconds from now; z is an ordinary certificate.
      const x = await aLeaf('x.example', expiringIn(windowMs / DAY_MS));
      const y = await aLeaf('y.example', validFrom(new Date(Date.now() + windowMs)));
      const z = await aLeaf('z.example');
      await writeFile(join(dir, 'x.pem'), x.pem);
      await writeFile(join(dir, 'y.pem'), y.pem);
      await writeFile(join(dir, 'z.pem'), z.pem);
      const beforeAnyScan = new Date().toISOString();
      await sleep(5);

      await scan(custos, dir);
      const T = entryOf(await list(custos), x)!.locations[0]!.firstSeen;
      const xNotAfter = x.x509.notAfter.getTime();
      const yNotBefore = y.x509.notBefore.getTime();
      if (!(Date.parse(T) < xNotAfter && Date.parse(T) < yNotBefore)) {
        // A precondition of the machine's speed, not a property of Custos: too slow a machine skips, never fails.
        t.skip(
          `the first scan (${T}) ended after x expired or y started: this machine was too slow for the window`,
        );
        return;
      }

      await unlink(join(dir, 'x.pem'));
      await sleep(Math.max(xNotAfter, yNotBefore) + 1_000 - Date.now());
      await scan(custos, dir);

      const now = await list(custos);
      assert.deepEqual(fingerprints(now), of(y, z), 'x was removed');
      assert.deepEqual(inventoryFindings(entryOf(now, y)!), [], 'y is valid now');

      const then = await list(custos, '--at', T);
      assert.deepEqual(fingerprints(then), of(x, y, z), 'x was installed at T');
      assert.deepEqual(
        entryOf(then, x)!.locations.map((l) => l.path),
        [join(dir, 'x.pem')],
      );
      const codesThen = (c: BuiltCertificate) => inventoryFindings(entryOf(then, c)!);
      assert.ok(!codesThen(x).includes('expired'), 'x had not expired at T');
      assert.ok(codesThen(x).includes('expiring-soon'), 'x was expiring within 30 days at T');
      assert.deepEqual(codesThen(y), ['not-yet-valid'], 'y was not yet valid at T');
      assert.deepEqual(codesThen(z), []);

      const xNow = await show(custos, x);
      assert.ok(
        xNow.findings.some((f) => f.code === 'expired'),
        'x is expired now',
      );
      assert.ok(xNow.locations[0]?.endedAt);

      const notYetValidThen = await list(custos, '--at', T, '--finding', 'not-yet-valid');
      assert.deepEqual(fingerprints(notYetValidThen), of(y));
      assert.deepEqual(
        await list(custos, '--at', beforeAnyScan),
        [],
        'nothing was installed before the first scan',
      );
    });
  });
}
