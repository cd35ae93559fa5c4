/**
 * A CA whose keys live in a PKCS#11 token (SoftHSM2 in a fresh token directory), through the real CLI: `custos ca
 * init --pkcs11-module --pkcs11-slot` with the PIN from CUSTOS_PKCS11_PIN, then `custos cert issue` signs on the
 * token, and `openssl verify` accepts the leaf with the chain — exactly as for a software CA. The PIN appears in no
 * output. Skipped, with the reason, where softhsm2-util is absent (CI installs it).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runCustos } from '../support/cli.js';

const exec = promisify(execFile);
const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '4711-custos';
const hasSoftHsm = spawnSync('softhsm2-util', ['--version']).status === 0 && existsSync(MODULE);

describe(
  'a CA with its keys in a PKCS#11 token',
  { skip: hasSoftHsm ? false : 'softhsm2-util is absent' },
  () => {
    let dir: string;
    let slot: number;
    let env: Record<string, string>;
    const custos = (...args: string[]) => runCustos(['--data-dir', join(dir, 'data'), ...args], { env });

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-ca-pkcs11-'));
      await writeFile(
        join(dir, 'softhsm2.conf'),
        `directories.tokendir = ${dir}\nobjectstore.backend = file\n`,
      );
      env = { SOFTHSM2_CONF: join(dir, 'softhsm2.conf'), CUSTOS_PKCS11_PIN: PIN };
      const out = execFileSync(
        'softhsm2-util',
        ['--init-token', '--free', '--label', 'custos-ca', '--pin', PIN, '--so-pin', '8642'],
        { encoding: 'utf8', env: { ...process.env, SOFTHSM2_CONF: env.SOFTHSM2_CONF } },
      );
      slot = Number(/reassigned to slot (\d+)/.exec(out)?.[1]);
      assert.ok(Number.isInteger(slot), out);
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('issues certificates that openssl verify accepts, signed on the token', async () => {
      const init = await custos(
        'ca',
        'init',
        '--name',
        'hsm',
        '--key-type',
        'ec-p384',
        '--pkcs11-module',
        MODULE,
        '--pkcs11-slot',
        String(slot),
        '--json',
      );
      assert.equal(init.code, 0, init.stderr);
      assert.equal(init.json<{ backend: string }>().backend, 'pkcs11');

      const out = join(dir, 'out');
      const issued = await custos(
        'cert',
        'issue',
        '--ca',
        'hsm',
        '--generate-key',
        'ec-p256',
        '--dns',
        'device-1.corp.example',
        '--out-dir',
        out,
        '--json',
      );
      assert.equal(issued.code, 0, issued.stderr);
      const bundle = (await custos('ca', 'bundle', '--ca', 'hsm')).stdout;
      const root = join(dir, 'root.pem');
      await writeFile(root, bundle.slice(bundle.indexOf('-----BEGIN', 10)));
      const { stdout } = await exec('openssl', [
        'verify',
        '-x509_strict',
        '-CAfile',
        root,
        '-untrusted',
        join(out, 'chain.pem'),
        join(out, 'cert.pem'),
      ]);
      assert.match(stdout, /cert\.pem: OK/);

      // The token holds the CA's private keys; nothing Custos printed or stored names the PIN.
      const objects = execFileSync(
        'pkcs11-tool',
        [
          '--module',
          MODULE,
          '--slot',
          String(slot),
          '--login',
          '--pin',
          PIN,
          '--list-objects',
          '--type',
          'privkey',
        ],
        { encoding: 'utf8', env: { ...process.env, SOFTHSM2_CONF: env.SOFTHSM2_CONF } },
      );
      assert.equal((objects.match(/Private Key Object/g) ?? []).length, 2, objects);
      const audit = await custos('audit', 'export');
      for (const text of [init.stdout, init.stderr, issued.stdout, issued.stderr, audit.stdout])
        assert.ok(!text.includes(PIN), 'the PIN leaked into an output');
      assert.ok(!(await readFile(join(dir, 'data', 'custos.db'))).includes(Buffer.from(PIN)));
    });

    it('refuses a wrong PIN with CUSTOS_KEY_UNAVAILABLE and does not print it', async () => {
      const wrong = await runCustos(
        [
          '--data-dir',
          join(dir, 'data'),
          'cert',
          'issue',
          '--ca',
          'hsm',
          '--generate-key',
          'ec-p256',
          '--dns',
          'x.corp.example',
          '--out-dir',
          join(dir, 'x'),
        ],
        { env: { ...env, CUSTOS_PKCS11_PIN: '000000' } },
      );
      assert.equal(wrong.code, 3, wrong.stderr);
      assert.match(wrong.stderr, /CUSTOS_KEY_UNAVAILABLE/);
      assert.ok(!wrong.stderr.includes('000000'));
    });
  },
);
