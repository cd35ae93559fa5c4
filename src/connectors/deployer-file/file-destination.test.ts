import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FileDestinationSpec, RevisionBundle } from '../../core/ports/destination.js';
import { createFileDestination } from './file-destination.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'custos-deployer-file-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const bundle = (n: number): RevisionBundle => ({
  name: 'web',
  revision: n,
  fingerprintSha256: String(n).repeat(64),
  certificatePem: `leaf ${n}\n`,
  chainPem: `chain ${n}\n`,
  fullchainPem: `leaf ${n}\nchain ${n}\n`,
  privateKeyPem: `key ${n}\n`,
});

const files = (sub: string, extra: Partial<FileDestinationSpec> = {}): FileDestinationSpec => ({
  certificate: join(dir, sub, 'web.crt'),
  chain: join(dir, sub, 'chain.pem'),
  fullchain: join(dir, sub, 'fullchain.pem'),
  privateKey: join(dir, sub, 'web.key'),
  ...extra,
});

const node = process.execPath;

test('writes certificate, chain, full chain and key with their modes, keeping the previous files', async () => {
  await mkdir(join(dir, 'a'));
  const destination = createFileDestination();
  const config = files('a');
  const first = await destination.deploy(config, bundle(1));
  assert.equal(first.ok, true, first.error ?? '');
  assert.equal(first.target, `file:${config.certificate}`);
  assert.equal(await readFile(config.certificate, 'utf8'), 'leaf 1\n');
  assert.equal(await readFile(config.fullchain as string, 'utf8'), 'leaf 1\nchain 1\n');
  assert.equal((await stat(config.privateKey)).mode & 0o777, 0o600);
  assert.equal((await stat(config.certificate)).mode & 0o777, 0o644);

  assert.equal((await destination.deploy(config, bundle(2))).ok, true);
  assert.equal(await readFile(config.certificate, 'utf8'), 'leaf 2\n');
  assert.equal(await readFile(`${config.certificate}.previous`, 'utf8'), 'leaf 1\n');
  assert.equal(await readFile(`${config.privateKey}.previous`, 'utf8'), 'key 1\n');
  assert.equal((await stat(`${config.privateKey}.previous`)).mode & 0o777, 0o600);

  // The same revision again (a retry after a crash): the previous copy stays the true previous one.
  assert.equal((await destination.deploy(config, bundle(2))).ok, true);
  assert.equal(await readFile(`${config.certificate}.previous`, 'utf8'), 'leaf 1\n');
});

test('the given mode applies to every file', async () => {
  await mkdir(join(dir, 'm'));
  const config = files('m', { mode: '0640' });
  assert.equal((await createFileDestination().deploy(config, bundle(1))).ok, true);
  for (const path of [config.certificate, config.privateKey])
    assert.equal((await stat(path)).mode & 0o777, 0o640);
});

test('runs the reload command without a shell and captures its exit code and output', async () => {
  await mkdir(join(dir, 'r'));
  const marker = join(dir, 'r', 'reloaded');
  const config = files('r', {
    reload: {
      command: [
        node,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); console.log('reloaded $HOME')`,
      ],
      timeout: '10s',
    },
  });
  const outcome = await createFileDestination().deploy(config, bundle(1));
  assert.equal(outcome.ok, true, outcome.error ?? '');
  assert.equal(outcome.reload?.exitCode, 0);
  assert.equal(outcome.reload?.stdout, 'reloaded $HOME\n'); // no shell: nothing expanded
  assert.equal(await readFile(marker, 'utf8'), 'x');
});

test('a reload that fails, times out or cannot start is a failed deployment with the reason', async () => {
  await mkdir(join(dir, 'f'));
  const destination = createFileDestination();
  const failing = await destination.deploy(
    files('f', { reload: { command: [node, '-e', 'console.error("bad config"); process.exit(3)'] } }),
    bundle(1),
  );
  assert.equal(failing.ok, false);
  assert.equal(failing.reload?.exitCode, 3);
  assert.match(failing.error ?? '', /exited with 3: bad config/);

  const slow = await destination.deploy(
    files('f', { reload: { command: [node, '-e', 'setTimeout(() => {}, 60000)'], timeout: '1s' } }),
    bundle(1),
  );
  assert.equal(slow.ok, false);
  assert.equal(slow.reload?.timedOut, true);
  assert.match(slow.error ?? '', /timed out/);

  const missing = await destination.deploy(
    files('f', { reload: { command: [join(dir, 'no-such-program')] } }),
    bundle(1),
  );
  assert.equal(missing.ok, false);
  assert.match(missing.error ?? '', /could not run/);
});

test('a file that cannot be written fails the deployment and leaves the earlier files as they were', async () => {
  const outcome = await createFileDestination().deploy(files('no-such-dir'), bundle(1));
  assert.equal(outcome.ok, false);
  assert.deepEqual(outcome.files, []);
  assert.match(outcome.error ?? '', /could not write/);
});

test('remove deletes the files and reloads', async () => {
  await mkdir(join(dir, 'd'));
  const config = files('d');
  const destination = createFileDestination();
  await destination.deploy(config, bundle(1));
  const removed = await destination.remove(config, 'web');
  assert.equal(removed.ok, true);
  await assert.rejects(stat(config.certificate), { code: 'ENOENT' });
  await assert.rejects(stat(config.privateKey), { code: 'ENOENT' });
});
