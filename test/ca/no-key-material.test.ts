/**
 * Key material never leaves the key manager: the CA keys (opened here with the key-encryption key, as an attacker
 * holding the data directory could) and a generated leaf key appear in no JSON output, human output, trace log,
 * error or audit export of any CA command.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openKey } from '../../src/connectors/keys-software/sealed-key.js';
import { decodeSecretKey } from '../../src/store/keys/secret-key-file.js';
import { aCustos, runCustos } from '../support/cli.js';

/**
 * The texts a private key could leak as: its PEM body (compared with the outputs' line breaks removed), its DER in
 * hex and base64, and its private components (EC/EdDSA d; RSA d, p, q) in hex and base64url. Single PEM lines are
 * not compared: an RSA key's lines hold its modulus, which its certificate shows by design.
 */
function forms(pkcs8: Buffer): string[] {
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const pemBody = key
    .export({ type: 'pkcs8', format: 'pem' })
    .toString()
    .replace(/-----[A-Z ]+-----/g, '')
    .replace(/\s+/g, '');
  const jwk = key.export({ format: 'jwk' });
  const privateParts = [jwk.d, jwk.p, jwk.q].filter((part): part is string => part !== undefined);
  return [
    pemBody,
    pkcs8.toString('hex'),
    pkcs8.toString('base64'),
    ...privateParts.flatMap((part) => [part, Buffer.from(part, 'base64url').toString('hex')]),
  ];
}

test('no CA or generated key appears in any output, log, error or audit event', async () => {
  const custos = await aCustos();
  const dir = await mkdtemp(join(tmpdir(), 'custos-keys-'));
  const outputs: string[] = [];
  const run = async (...args: string[]) => {
    const result = await custos.run('--log-level', 'trace', ...args);
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  try {
    assert.equal((await run('ca', 'init', '--json')).code, 0);
    assert.equal((await run('ca', 'init', '--name', 'rsa', '--key-type', 'rsa-2048')).code, 0);
    assert.equal((await run('ca', 'init', '--name', 'offline', '--intermediate-csr', '--json')).code, 0);
    const issued = await run(
      'cert',
      'issue',
      '--generate-key',
      'ec-p256',
      '--dns',
      'a.corp.example',
      '--out-dir',
      dir,
      '--json',
    );
    assert.equal(issued.code, 0, issued.stderr);
    const { serialNumber } = issued.json<{ serialNumber: string }>();
    await run(
      'cert',
      'issue',
      '--generate-key',
      'rsa-2048',
      '--dns',
      'b.corp.example',
      '--ca',
      'rsa',
      '--out-dir',
      join(dir, 'b'),
    );
    assert.equal((await run('cert', 'revoke', serialNumber, '--reason', 'keyCompromise', '--json')).code, 0);
    await run('ca', 'crl', '--json');
    await run('ca', 'list', '--json');
    await run('ca', 'list');
    await run('ca', 'show', 'default', '--json');
    await run('ca', 'show', 'offline');
    await run('ca', 'bundle');
    await run('audit', 'export');
    await run('inventory', 'list', '--json');
    const wrongKek = await runCustos(
      [
        ...custos.stateFlags,
        '--log-level',
        'trace',
        'cert',
        'issue',
        '--generate-key',
        'ec-p256',
        '--dns',
        'c.corp.example',
        '--out-dir',
        join(dir, 'c'),
      ],
      { env: { CUSTOS_KEK: Buffer.alloc(32, 9).toString('base64'), CUSTOS_DEBUG: '1' } },
    );
    assert.equal(wrongKek.code, 3);
    assert.match(wrongKek.stderr, /CUSTOS_KEY_INVALID/);
    outputs.push(wrongKek.stdout, wrongKek.stderr);

    const kek = decodeSecretKey((await readFile(join(custos.dataDir!, 'kek'), 'utf8')).trim(), 'kek');
    const db = new Database(join(custos.dataDir!, 'custos.db'), { readonly: true });
    const references = db.prepare('select key_ref, root_key_ref from authorities').all() as {
      key_ref: string;
      root_key_ref: string | null;
    }[];
    db.close();
    const sealed = references
      .flatMap((r) => [r.key_ref, r.root_key_ref])
      .filter((r): r is string => r !== null)
      .map((r) => (JSON.parse(r) as { sealed: string }).sealed);
    assert.equal(sealed.length, 5, 'two keys for each full CA, one for the pending one');
    const secrets = [
      ...sealed.flatMap((s) => [...forms(openKey(kek, s)), s.slice(-40)]),
      ...forms(
        createPrivateKey(await readFile(join(dir, 'key.pem'))).export({ type: 'pkcs8', format: 'der' }),
      ),
      ...forms(
        createPrivateKey(await readFile(join(dir, 'b', 'key.pem'))).export({ type: 'pkcs8', format: 'der' }),
      ),
    ];
    // Line breaks (real, or escaped inside JSON strings) removed, so a PEM body is found however it was wrapped.
    const all = outputs.join('').replace(/\\n|\s+/g, '');
    assert.ok(
      all.includes('certificate.issued') && all.includes('"level"'),
      'the outputs include the audit and the log',
    );
    // The check can see a leak: the key file written for the caller holds its key's PEM body.
    const keyFile = (await readFile(join(dir, 'key.pem'), 'utf8')).replace(/\s+/g, '');
    assert.ok(secrets.some((secret) => keyFile.includes(secret)));
    const leaked = secrets.filter((secret) => all.includes(secret));
    assert.deepEqual(leaked, [], 'key material found in an output');
  } finally {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});
