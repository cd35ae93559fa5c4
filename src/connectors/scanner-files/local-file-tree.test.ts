import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, symlink, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DomainError } from '../../core/errors.js';
import type { WalkItem } from '../../core/ports/file-tree.js';
import { LocalFileTree } from './local-file-tree.js';

const run = promisify(execFile);

async function collect(walk: AsyncIterable<WalkItem>): Promise<string[]> {
  const seen: string[] = [];
  for await (const item of walk)
    seen.push(item.kind === 'file' ? item.stat.path : `${item.code} ${item.path}`);
  return seen;
}

async function withTree(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'custos-file-tree-'));
  try {
    await work(dir);
  } finally {
    await run('rm', ['-rf', dir]); // rm(1): Node's recursive rm cannot remove names that are not UTF-8
  }
}

test('walks in name order, follows links once, reports loops, dangling links and large files, skips FIFOs', () =>
  withTree(async (dir) => {
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'b', 'z.pem'), 'z');
    await writeFile(join(dir, 'b', 'a.pem'), 'a');
    await writeFile(join(dir, 'a.pem'), 'top');
    await writeFile(join(dir, 'big.pem'), Buffer.alloc(101));
    await symlink('b/a.pem', join(dir, 'c-link.pem'));
    await symlink('missing.pem', join(dir, 'd-dangling.pem'));
    await symlink('.', join(dir, 'b', 'up'));
    await run('mkfifo', [join(dir, 'e-fifo')]);
    const walked = await collect(new LocalFileTree().walk([dir, join(dir, 'a.pem')], { maxFileBytes: 100 }));
    assert.deepEqual(walked, [
      join(dir, 'a.pem'),
      join(dir, 'b', 'a.pem'),
      `CUSTOS_FILE_SYMLINK_LOOP ${join(dir, 'b', 'up')}`,
      join(dir, 'b', 'z.pem'),
      `CUSTOS_FILE_TOO_LARGE ${join(dir, 'big.pem')}`,
      join(dir, 'c-link.pem'),
      `CUSTOS_FILE_NOT_FOUND ${join(dir, 'd-dangling.pem')}`,
      join(dir, 'a.pem'), // a root that is a file
    ]);
  }));

test('tells where a link to a file leads (certbot live/ into archive/), and nothing for other files', () =>
  withTree(async (dir) => {
    await mkdir(join(dir, 'archive'));
    await mkdir(join(dir, 'live'));
    await writeFile(join(dir, 'archive', 'cert1.pem'), 'c');
    await symlink('../archive/cert1.pem', join(dir, 'live', 'cert.pem'));
    const stats: Array<[string, string | undefined]> = [];
    for await (const item of new LocalFileTree().walk([dir], { maxFileBytes: 100 }))
      if (item.kind === 'file') stats.push([item.stat.path, item.stat.linkTarget]);
    const real = await realpath(dir);
    assert.deepEqual(stats, [
      [join(dir, 'archive', 'cert1.pem'), undefined],
      [join(dir, 'live', 'cert.pem'), join(real, 'archive', 'cert1.pem')],
    ]);
  }));

test('reads a file of any size up to the limit, and refuses one that grew past it', () =>
  withTree(async (dir) => {
    const tree = new LocalFileTree();
    const bytes = Buffer.alloc(300_000, 7);
    bytes[299_999] = 9;
    await writeFile(join(dir, 'bundle.pem'), bytes);
    await writeFile(join(dir, 'empty.pem'), '');
    assert.deepEqual(Buffer.from(await tree.read(join(dir, 'bundle.pem'), 300_000)), bytes);
    assert.equal((await tree.read(join(dir, 'empty.pem'), 10)).length, 0);
    await appendFile(join(dir, 'bundle.pem'), 'x');
    await assert.rejects(
      tree.read(join(dir, 'bundle.pem'), 300_000),
      (e: unknown) => e instanceof DomainError && e.code === 'CUSTOS_FILE_TOO_LARGE',
    );
    await assert.rejects(
      tree.read(join(dir, 'gone.pem'), 10),
      (e: unknown) => e instanceof DomainError && e.code === 'CUSTOS_FILE_NOT_FOUND',
    );
  }));

test('walks and reads names that are not UTF-8 by their bytes, reporting them escaped', () =>
  withTree(async (dir) => {
    const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
    const inside = Buffer.concat([Buffer.from(`${dir}/`), latin1('répertoire'), Buffer.from('/')]);
    await mkdir(inside);
    await writeFile(Buffer.concat([inside, latin1('clé.pem')]), 'key');
    await writeFile(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0xff])]), 'ff');
    const tree = new LocalFileTree();
    const walked = await collect(tree.walk([dir], { maxFileBytes: 100 }));
    assert.deepEqual(walked, [join(dir, '\\xff'), join(dir, 'r\\xe9pertoire', 'cl\\xe9.pem')]);
    assert.equal(Buffer.from(await tree.read(walked[0] as string, 100)).toString(), 'ff');
    assert.equal(Buffer.from(await tree.read(walked[1] as string, 100)).toString(), 'key');
  }));
