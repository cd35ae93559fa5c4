/**
 * Issue 10: a file whose name is not valid UTF-8 (a Latin-1 name from an old system) is read like any other, and
 * shown and stored with its invalid bytes escaped (`caf\xe9`), the same on every scan. Before, the walker turned the
 * name into text with U+FFFD in it, and the file was skipped as CUSTOS_FILE_NOT_FOUND.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { aCertificate, withFreshKey, withSubject, type BuiltCertificate } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import type { InventoryEntry, ScanSummary } from './contract-types.js';

/** A path under `dir` whose names are the given bytes. */
const bytesPath = (dir: string, ...names: number[][]): Buffer =>
  Buffer.concat([Buffer.from(dir), ...names.flatMap((name) => [Buffer.from('/'), Buffer.from(name)])]);
const latin1 = (text: string): number[] => [...Buffer.from(text, 'latin1')];

describe('custos scan files: names that are not valid UTF-8', () => {
  let dir: string;
  let custos: Custos;
  let inDirectory: BuiltCertificate;
  let inFile: BuiltCertificate;
  let first: ScanSummary;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-e2e-names-'));
    custos = await aCustos();
    inDirectory = await aCertificate(withSubject('CN=cafe.example'), withFreshKey());
    inFile = await aCertificate(withSubject('CN=key.example'), withFreshKey());
    await mkdir(bytesPath(dir, latin1('café'))); // 0xe9 alone is not UTF-8
    await writeFile(bytesPath(dir, latin1('café'), latin1('leaf.pem')), inDirectory.pem);
    await writeFile(bytesPath(dir, [0x6b, 0x65, 0x79, 0xff, 0x2e, 0x70, 0x65, 0x6d]), inFile.pem);
    await writeFile(
      bytesPath(dir, [0x6a, 0x75, 0x6e, 0x6b, 0xfe, 0x2e, 0x70, 0x65, 0x6d]),
      'not a certificate',
    );
    // The names really are bytes on disk that UTF-8 cannot decode.
    const names = (await readdir(Buffer.from(dir), { encoding: 'buffer' })).map((n) => n.toString('hex'));
    assert.ok(names.includes('636166e9'), names.join(' '));
    const scanned = await custos.run('scan', 'files', dir, '--json');
    assert.equal(scanned.code, 0, scanned.stderr);
    first = scanned.json<ScanSummary>();
  });
  after(async () => {
    await custos?.cleanup();
    // rm -r of Node decodes names as UTF-8 and cannot remove these; rm(1) takes the bytes.
    if (dir) await promisify(execFile)('rm', ['-rf', dir]);
  });

  test('reads every such file and reports a broken one with its escaped name', () => {
    assert.equal(first.files, 3);
    assert.equal(first.certificates, 2);
    assert.deepEqual(
      first.errors.map((e) => [e.code, e.path]),
      [['CUSTOS_FILE_UNRECOGNISED', join(dir, 'junk\\xfe.pem')]],
    );
  });

  test('stores each location with the invalid bytes of its path escaped', async () => {
    const listed = (await custos.run('inventory', 'list', '--json')).json<InventoryEntry[]>();
    const where = new Map(listed.map((e) => [e.fingerprintSha256, e.locations.map((l) => l.path)]));
    assert.deepEqual(where.get(inDirectory.fingerprintSha256), [join(dir, 'caf\\xe9', 'leaf.pem')]);
    assert.deepEqual(where.get(inFile.fingerprintSha256), [join(dir, 'key\\xff.pem')]);
    const shown = await custos.run('inventory', 'show', inFile.fingerprintSha256);
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(shown.stdout.includes(join(dir, 'key\\xff.pem')), shown.stdout);
  });

  test('a rescan finds the same paths unchanged, and a changed file by the same escaped path', async () => {
    const again = await custos.run('scan', 'files', dir, '--json');
    assert.equal(again.code, 0, again.stderr);
    const rescan = again.json<ScanSummary & { sightingsStarted: number; sightingsEnded: number }>();
    assert.equal(rescan.unchanged, 3);
    assert.equal(rescan.new, 0);
    assert.equal(rescan.sightingsStarted, 0);
    assert.equal(rescan.sightingsEnded, 0);
    assert.deepEqual(
      rescan.errors.map((e) => [e.code, e.path]),
      [['CUSTOS_FILE_UNRECOGNISED', join(dir, 'junk\\xfe.pem')]],
    );

    const replacement = await aCertificate(withSubject('CN=key-2.example'), withFreshKey());
    await writeFile(bytesPath(dir, [0x6b, 0x65, 0x79, 0xff, 0x2e, 0x70, 0x65, 0x6d]), replacement.pem);
    const third = (await custos.run('scan', 'files', dir, '--json')).json<
      ScanSummary & { sightingsStarted: number; sightingsEnded: number }
    >();
    assert.equal(third.new, 1);
    assert.equal(third.sightingsStarted, 1);
    assert.equal(third.sightingsEnded, 1);
    const listed = (await custos.run('inventory', 'list', '--json')).json<InventoryEntry[]>();
    const atKey = listed.filter((e) => e.locations.some((l) => l.path === join(dir, 'key\\xff.pem')));
    assert.deepEqual(
      atKey.map((e) => e.fingerprintSha256),
      [replacement.fingerprintSha256],
    );
  });
});
