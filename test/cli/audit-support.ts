/**
 * What the audit CLI tests share: a store with two scans in its audit trail, run through the real CLI, and the
 * export read back.
 */
import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { aCertificate, asCA, issuedBy, withFreshKey, withSubject } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import type { TestDatabase } from '../store/dialects.js';
import type { AuditLine } from './contract-types.js';

export const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

export interface Scanned {
  custos: Custos;
  db: TestDatabase;
  /** The scanned directory. */
  dir: string;
  /** Records written by the first scan (the second scan's follow). */
  firstScanRecords: number;
  /** A moment between the two scans. */
  between: string;
  dispose(): Promise<void>;
}

/** A store with two scans in its audit trail: three certificates found, then one file removed. */
export async function aScannedStore(db: TestDatabase): Promise<Scanned> {
  const custos = await aCustos(db.options);
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'custos-e2e-audit-')));
  const dispose = async () => {
    await rm(dir, { recursive: true, force: true });
    await db.dispose();
    await custos.cleanup();
  };
  try {
    const ca = await aCertificate(withSubject('CN=Audit Test CA'), asCA());
    for (const name of ['one', 'two', 'three']) {
      const leaf = await aCertificate(withSubject(`CN=${name}.example`), withFreshKey(), issuedBy(ca));
      await writeFile(join(dir, `${name}.pem`), leaf.pem);
    }
    const first = await custos.run('scan', 'files', dir, '--json');
    assert.equal(first.code, 0, first.stderr);
    const firstScanRecords = (await exportAll(custos)).length;
    await sleep(20);
    const between = new Date().toISOString();
    await sleep(20);
    await unlink(join(dir, 'two.pem'));
    const second = await custos.run('scan', 'files', dir, '--json');
    assert.equal(second.code, 0, second.stderr);
    return { custos, db, dir, firstScanRecords, between, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

export async function exportAll(custos: Custos, ...flags: string[]): Promise<AuditLine[]> {
  const result = await custos.run('audit', 'export', ...flags);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  return result.stdout
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('{"checkpoint"'))
    .map((line) => JSON.parse(line) as AuditLine);
}
