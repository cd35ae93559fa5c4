import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RevisionBundle } from '../../core/ports/destination.js';
import { createExecDestination } from './exec-destination.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'custos-deployer-exec-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const bundle: RevisionBundle = {
  name: 'web',
  revision: 3,
  fingerprintSha256: 'ab'.repeat(32),
  certificatePem: 'leaf\n',
  chainPem: 'chain\n',
  fullchainPem: 'leaf\nchain\n',
  privateKeyPem: 'key\n',
};

/** A real shell script: it records its environment and copies the files, then exits as told. */
async function aScript(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

const base = { PATH: '/usr/bin:/bin' };

test('runs the command with the revision files and variables in its environment, then removes the files', async () => {
  const out = join(dir, 'installed');
  const script = await aScript(
    'install.sh',
    `mkdir -p ${out}
cp "$CUSTOS_CERTIFICATE_FILE" "$CUSTOS_CHAIN_FILE" "$CUSTOS_FULLCHAIN_FILE" "$CUSTOS_PRIVATE_KEY_FILE" ${out}/
stat -c %a "$CUSTOS_PRIVATE_KEY_FILE" > ${out}/key-mode
echo "$CUSTOS_ACTION $CUSTOS_MANAGED_NAME $CUSTOS_REVISION $CUSTOS_FINGERPRINT_SHA256" > ${out}/vars
env > ${out}/env
echo "$CUSTOS_PRIVATE_KEY_FILE" > ${out}/key-path
echo installed`,
  );
  const destination = createExecDestination({ base });
  const outcome = await destination.deploy({ command: [script] }, bundle);
  assert.equal(outcome.ok, true, outcome.error ?? '');
  assert.equal(outcome.target, `exec:${script}`);
  assert.equal(outcome.reload?.exitCode, 0);
  assert.equal(outcome.reload?.stdout, 'installed\n');
  assert.equal(await readFile(join(out, 'certificate.pem'), 'utf8'), 'leaf\n');
  assert.equal(await readFile(join(out, 'chain.pem'), 'utf8'), 'chain\n');
  assert.equal(await readFile(join(out, 'fullchain.pem'), 'utf8'), 'leaf\nchain\n');
  assert.equal(await readFile(join(out, 'private-key.pem'), 'utf8'), 'key\n');
  assert.equal((await readFile(join(out, 'key-mode'), 'utf8')).trim(), '600');
  assert.equal(await readFile(join(out, 'vars'), 'utf8'), `deploy web 3 ${'ab'.repeat(32)}\n`);
  const env = await readFile(join(out, 'env'), 'utf8');
  assert.doesNotMatch(
    env,
    /CUSTOS_KEK|CUSTOS_DATABASE_URL/,
    'none of Custos own variables reach the command',
  );
  const keyPath = (await readFile(join(out, 'key-path'), 'utf8')).trim();
  await assert.rejects(stat(keyPath), { code: 'ENOENT' }, 'the key is gone once the command ended');
});

test('a non-zero exit fails the deploy, naming the exit code and the last line of its error output', async () => {
  const script = await aScript('refuse.sh', 'echo "appliance busy" >&2\nexit 3');
  const outcome = await createExecDestination({ base }).deploy({ command: [script] }, bundle);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.reload?.exitCode, 3);
  assert.equal(outcome.error, `command ${JSON.stringify(script)} exited with 3: appliance busy`);
});

test('a command that outlives its timeout is killed and fails the deploy', async () => {
  const script = await aScript('slow.sh', 'sleep 5');
  const outcome = await createExecDestination({ base }).deploy({ command: [script], timeout: '1s' }, bundle);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.reload?.timedOut, true);
  assert.match(outcome.error ?? '', /timed out/);
});

test('a program that does not exist fails the deploy with its error', async () => {
  const outcome = await createExecDestination({ base }).deploy({ command: [join(dir, 'missing')] }, bundle);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.reload?.exitCode, null);
  assert.match(outcome.error ?? '', /could not run/);
});

test('remove runs the command with CUSTOS_ACTION=remove and the name, and no files', async () => {
  const log = join(dir, 'remove.log');
  const script = await aScript(
    'remove.sh',
    `echo "$CUSTOS_ACTION $CUSTOS_MANAGED_NAME \${CUSTOS_CERTIFICATE_FILE:-none}" > ${log}`,
  );
  const outcome = await createExecDestination({ base }).remove({ command: [script] }, 'web');
  assert.equal(outcome.ok, true, outcome.error ?? '');
  assert.equal(await readFile(log, 'utf8'), 'remove web none\n');
});
