import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createBundleFileDestination } from './bundle-file-destination.js';

test('a bundle file gets the declared mode whatever the umask, and is then left alone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custos-bundle-file-'));
  const umask = process.umask(0o022);
  try {
    const destination = createBundleFileDestination();
    const config = { path: join(dir, 'bundle.pem'), mode: '0664' };
    const bundle = { name: 'corp-trust', sha256: '00', pem: 'PEM\n' };
    assert.equal((await destination.deliver(config, bundle)).changed, true);
    assert.equal((await stat(config.path)).mode & 0o777, 0o664);
    assert.equal((await destination.deliver(config, bundle)).changed, false, 'not rewritten on every pass');
  } finally {
    process.umask(umask);
    await rm(dir, { recursive: true, force: true });
  }
});
