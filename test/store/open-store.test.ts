import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DomainError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/open-store.js';

function failsWith(code: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe('openStore', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-open-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('creates a missing data directory readable by its owner only, with the database in it', async () => {
    const dataDir = join(dir, 'fresh', '.custos');
    const store = await openStore({ dataDir });
    await store.close();
    assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
    assert.ok((await stat(join(dataDir, 'custos.db'))).isFile());
  });

  it('reports a data directory that cannot be created as CUSTOS_DATA_DIR_UNUSABLE', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a directory');
    await assert.rejects(
      openStore({ dataDir: join(file, 'data') }),
      failsWith('CUSTOS_DATA_DIR_UNUSABLE', /a-file\/data/),
    );
  });

  it(
    'reports a data directory under /proc as CUSTOS_DATA_DIR_UNUSABLE instead of spinning',
    { timeout: 10_000 },
    async () => {
      await assert.rejects(
        openStore({ dataDir: '/proc/custos-data/deeper' }),
        failsWith('CUSTOS_DATA_DIR_UNUSABLE', /\/proc\/custos-data\/deeper/),
      );
    },
  );

  it('reports a file that is not a database as CUSTOS_STORE_UNAVAILABLE, naming it', async () => {
    const dataDir = join(dir, 'garbage');
    await openStore({ dataDir }).then((store) => store.close());
    await writeFile(join(dataDir, 'custos.db'), 'x'.repeat(4096));
    await rm(join(dataDir, 'custos.db-wal'), { force: true });
    await rm(join(dataDir, 'custos.db-shm'), { force: true });
    await assert.rejects(
      openStore({ dataDir }),
      failsWith('CUSTOS_STORE_UNAVAILABLE', /garbage\/custos\.db/),
    );
  });

  it('refuses a database migrated by a newer Custos', async () => {
    const dataDir = join(dir, 'newer');
    await openStore({ dataDir }).then((store) => store.close());
    const db = new Database(join(dataDir, 'custos.db'));
    db.prepare(`insert into kysely_migration (name, timestamp) values ('9999-future', '2030-01-01')`).run();
    db.close();
    await assert.rejects(openStore({ dataDir }), failsWith('CUSTOS_STORE_FAILED', /9999-future/));
  });

  it('reports an unreachable PostgreSQL as CUSTOS_STORE_UNAVAILABLE, naming it without its password', async () => {
    const databaseUrl = 'postgres://custos:s3cret@127.0.0.1:1/inventory?password=s3cret';
    await assert.rejects(openStore({ dataDir: dir, databaseUrl }), (error: unknown) => {
      failsWith('CUSTOS_STORE_UNAVAILABLE', /postgres:\/\/custos@127\.0\.0\.1:1\/inventory/)(error);
      assert.doesNotMatch((error as Error).message, /s3cret/);
      return true;
    });
  });

  it('refuses a database URL that is not PostgreSQL', async () => {
    await assert.rejects(
      openStore({ dataDir: dir, databaseUrl: 'mysql://root@127.0.0.1/custos' }),
      failsWith('CUSTOS_CONFIG_INVALID'),
    );
  });
});
