/**
 * `custos ca init|list|show|bundle|import` on the real CLI: CAs that openssl accepts for each key type, the
 * offline-root flow with an openssl root, the key-encryption key (file 0600, CUSTOS_KEK, an insecure file refused),
 * and no key material in any output.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { aCustos, type Custos } from '../support/cli.js';

const run = promisify(execFile);

async function openssl(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('openssl', args);
  return stdout + stderr;
}

interface AuthorityJson {
  name: string;
  status: string;
  keyType: string;
  backend: string;
  certificates: { subject: string; fingerprintSha256: string; notAfter: string }[];
  csrPem: string | null;
}

describe('custos ca', () => {
  let dir: string;
  let custos: Custos;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-ca-'));
    custos = await aCustos();
  });
  after(async () => {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  for (const keyType of ['ec-p256', 'rsa-2048', 'ed25519']) {
    it(`init makes a ${keyType} root and intermediate that openssl verifies, and the bundle holds both`, async () => {
      const name = `ca-${keyType}`;
      const init = await custos.run('ca', 'init', '--name', name, '--key-type', keyType, '--json');
      assert.equal(init.code, 0, init.stderr);
      const view = init.json<AuthorityJson>();
      assert.equal(view.status, 'active');
      assert.equal(view.keyType, keyType);
      assert.equal(view.certificates.length, 2);
      const bundle = await custos.run('ca', 'bundle', '--ca', name);
      assert.equal(bundle.code, 0, bundle.stderr);
      const blocks =
        bundle.stdout.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g) ?? [];
      assert.equal(blocks.length, 2);
      await writeFile(join(dir, `${name}-intermediate.pem`), blocks[0]!);
      await writeFile(join(dir, `${name}-root.pem`), blocks[1]!);
      const verified = await openssl(
        'verify',
        '-x509_strict',
        '-CAfile',
        join(dir, `${name}-root.pem`),
        join(dir, `${name}-intermediate.pem`),
      );
      assert.match(verified, /: OK/);
      const text = await openssl('x509', '-in', join(dir, `${name}-intermediate.pem`), '-noout', '-text');
      assert.match(text, /CA:TRUE, pathlen:0/);
      assert.match(text, /Certificate Sign, CRL Sign/);
    });
  }

  it('a second init of the same name is CUSTOS_CA_EXISTS (exit 2); list and show name every CA', async () => {
    const again = await custos.run('ca', 'init', '--name', 'ca-ec-p256');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^custos: CUSTOS_CA_EXISTS: /);
    const list = await custos.run('ca', 'list', '--json');
    assert.deepEqual(
      list.json<AuthorityJson[]>().map((a) => a.name),
      ['ca-ec-p256', 'ca-ed25519', 'ca-rsa-2048'],
    );
    const table = await custos.run('ca', 'list');
    assert.match(table.stdout, /^ca-rsa-2048\s+active\s+rsa-2048\s+software\s/m);
    const show = await custos.run('ca', 'show', 'ca-ed25519');
    assert.match(show.stdout, /subject: {3}CN=Custos ca-ed25519 Root CA/);
    const missing = await custos.run('ca', 'show', 'nope');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /CUSTOS_CA_NOT_FOUND/);
    const whole = await custos.run('ca', 'bundle');
    assert.equal(whole.stdout.match(/BEGIN CERTIFICATE/g)?.length, 6);
  });

  it('keeps the key-encryption key in a 0600 kek file and refuses one others can read', async () => {
    const kek = join(custos.dataDir!, 'kek');
    assert.equal((await stat(kek)).mode & 0o777, 0o600);
    await chmod(kek, 0o644);
    const refused = await custos.run('ca', 'init', '--name', 'insecure');
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /^custos: CUSTOS_KEY_FILE_INSECURE: /);
    await chmod(kek, 0o600);
  });

  it('with CUSTOS_KEK set, writes no kek file', async () => {
    const own = await aCustos();
    try {
      const { runCustos } = await import('../support/cli.js');
      const result = await runCustos([...own.stateFlags, 'ca', 'init'], {
        env: { CUSTOS_KEK: Buffer.alloc(32, 7).toString('base64') },
      });
      assert.equal(result.code, 0, result.stderr);
      await assert.rejects(stat(join(own.dataDir!, 'kek')), { code: 'ENOENT' });
      const bad = await runCustos([...own.stateFlags, 'ca', 'init', '--name', 'other'], {
        env: { CUSTOS_KEK: 'short' },
      });
      assert.equal(bad.code, 3);
      assert.match(bad.stderr, /^custos: CUSTOS_KEY_INVALID: CUSTOS_KEK /);
    } finally {
      await own.cleanup();
    }
  });

  it('the offline-root flow: a CSR, signed by an openssl root, imported back', async () => {
    const csrFile = join(dir, 'offline.csr');
    const init = await custos.run(
      'ca',
      'init',
      '--name',
      'offline',
      '--intermediate-csr',
      '--out',
      csrFile,
      '--subject',
      'CN=Offline Issuing CA, O=Example',
    );
    assert.equal(init.code, 0, init.stderr);
    assert.match(
      await openssl('req', '-in', csrFile, '-noout', '-verify', '-subject'),
      /O = Example, CN = Offline Issuing CA/,
    );
    const pending = (await custos.run('ca', 'show', 'offline', '--json')).json<AuthorityJson>();
    assert.equal(pending.status, 'pending');
    assert.equal(pending.csrPem, await readFile(csrFile, 'utf8'));
    const bundle = await custos.run('ca', 'bundle', '--ca', 'offline');
    assert.equal(bundle.stdout, '', 'a pending CA is in no bundle');

    const rootKey = join(dir, 'root.key');
    const root = join(dir, 'root.pem');
    await openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      rootKey,
      '-out',
      root,
      '-subj',
      '/CN=External Root',
      '-days',
      '30',
    );
    const ext = join(dir, 'ext.cnf');
    await writeFile(
      ext,
      'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
    );
    const signed = join(dir, 'offline.crt');
    await openssl(
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      root,
      '-CAkey',
      rootKey,
      '-set_serial',
      '7',
      '-out',
      signed,
      '-days',
      '20',
      '-extfile',
      ext,
    );
    const leafExt = join(dir, 'leaf.cnf');
    await writeFile(leafExt, 'basicConstraints=critical,CA:FALSE\n');
    const notCa = join(dir, 'not-ca.crt');
    await openssl(
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      root,
      '-CAkey',
      rootKey,
      '-set_serial',
      '8',
      '-out',
      notCa,
      '-days',
      '20',
      '-extfile',
      leafExt,
    );

    const mismatch = async (...args: string[]) => {
      const result = await custos.run('ca', 'import', 'offline', ...args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^custos: CUSTOS_CA_CERTIFICATE_MISMATCH: /);
    };
    await mismatch('--certificate', root, '--chain', root); // another key
    await mismatch('--certificate', notCa, '--chain', root); // not a CA
    await mismatch('--certificate', signed); // no chain up to a root
    await mismatch('--certificate', signed, '--chain', join(dir, 'ca-ec-p256-root.pem')); // not signed by it

    const imported = await custos.run(
      'ca',
      'import',
      'offline',
      '--certificate',
      signed,
      '--chain',
      root,
      '--json',
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.json<AuthorityJson>().status, 'active');
    const again = await custos.run('ca', 'import', 'offline', '--certificate', signed, '--chain', root);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /CUSTOS_CA_NOT_PENDING/);
    const offlineBundle = join(dir, 'offline-bundle.pem');
    await writeFile(offlineBundle, (await custos.run('ca', 'bundle', '--ca', 'offline')).stdout);
    assert.match(await openssl('verify', '-CAfile', root, offlineBundle), /OK/);
  });

  it('prints no key material: the sealed keys are in no output or audit event', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(custos.dataDir!, 'custos.db'), { readonly: true });
    const refs = db.prepare('select key_ref, root_key_ref from authorities').all() as {
      key_ref: string;
      root_key_ref: string | null;
    }[];
    db.close();
    const secrets = refs
      .flatMap((r) => [r.key_ref, r.root_key_ref])
      .filter((r): r is string => r !== null)
      .map((r) => (JSON.parse(r) as { sealed: string }).sealed.split(':').pop()!);
    assert.ok(secrets.length >= 7);
    const outputs = [
      (await custos.run('ca', 'list', '--json')).stdout,
      (await custos.run('ca', 'show', 'offline', '--json')).stdout,
      (await custos.run('audit', 'export')).stdout,
    ];
    for (const output of outputs) {
      assert.ok(!output.includes('custos-kek:'), 'no sealed key text');
      for (const secret of secrets) assert.ok(!output.includes(secret.slice(0, 24)));
    }
    assert.match(outputs[2]!, /ca\.created/);
    assert.match(outputs[2]!, /ca\.imported/);
  });
});
