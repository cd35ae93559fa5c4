/**
 * `custos lint` over certificates made by openssl, and the same lints as inventory findings after `custos scan
 * files` (`custos findings --json`, `inventory show`). Real openssl, the real CLI, a temp SQLite data dir.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { aCustos, runCustos, type Custos } from '../support/cli.js';

const run = promisify(execFile);

interface LintReport {
  file: string;
  fingerprintSha256: string;
  subject: string;
  failures: Array<{ lint: string; severity: string; message: string; source: string }>;
}

let dir: string;
let custos: Custos;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'custos-lint-'));
  const at = (name: string): string => join(dir, name);
  // A CA, and a leaf it signs with an underscore in its name, keyEncipherment on an EC key, no EKU, serial 7,
  // valid longer than the CA.
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
    '-subj',
    '/CN=Lint Test CA',
    '-days',
    '365',
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    at('bad.key'),
    '-out',
    at('bad.csr'),
    '-subj',
    '/CN=bad_name.example',
  ]);
  await writeFile(at('bad.ext'), 'subjectAltName=DNS:bad_name.example\nkeyUsage=keyEncipherment\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    at('bad.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-set_serial',
    '7',
    '-days',
    '400',
    '-extfile',
    at('bad.ext'),
    '-out',
    at('bad.pem'),
  ]);
  // A leaf as a CA should make it: random 16-octet serial, SAN, EKU serverAuth, digitalSignature, inside the CA.
  await run('openssl', [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    at('good.key'),
    '-out',
    at('good.csr'),
    '-subj',
    '/CN=good.example',
  ]);
  await writeFile(
    at('good.ext'),
    'subjectAltName=DNS:good.example\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
      'basicConstraints=CA:FALSE\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    at('good.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-days',
    '90',
    '-extfile',
    at('good.ext'),
    '-out',
    at('good.pem'),
  ]);
  // A 1024-bit RSA certificate: `weak-key` in the inventory, so no lint-rsa-key-size beside it.
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:1024',
    '-nodes',
    '-keyout',
    at('weak.key'),
    '-out',
    at('weak.pem'),
    '-subj',
    '/CN=weak.example',
    '-days',
    '30',
  ]);
  const ca = await readFile(at('ca.pem'), 'utf8');
  await writeFile(at('bad-chain.pem'), (await readFile(at('bad.pem'), 'utf8')) + ca);
  await writeFile(at('good-chain.pem'), (await readFile(at('good.pem'), 'utf8')) + ca);
  custos = await aCustos();
});
after(async () => {
  await custos?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

test('custos lint: a clean leaf exits 0, a bad one 1 with each failure named, its source and severity', async () => {
  const good = await runCustos(['lint', join(dir, 'good-chain.pem'), '--json']);
  assert.equal(good.code, 0, good.stderr + good.stdout);
  assert.deepEqual(good.json<LintReport[]>()[0]!.failures, []);

  const bad = await runCustos(['lint', join(dir, 'bad-chain.pem'), join(dir, 'good.pem'), '--json']);
  assert.equal(bad.code, 1, bad.stderr);
  const [report, second] = bad.json<LintReport[]>();
  assert.equal(report!.subject, 'CN=bad_name.example');
  assert.match(report!.fingerprintSha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(
    report!.failures.map((f) => [f.lint, f.severity]),
    [
      ['serial-number-entropy', 'warning'],
      ['validity-within-issuer', 'error'],
      ['san-dns-name-syntax', 'error'],
      ['key-usage-key-type', 'error'],
      ['eku-present', 'error'],
    ],
  );
  assert.ok(report!.failures.every((f) => /RFC|BR/.test(f.source) && f.message.length > 0));
  assert.deepEqual(second!.failures, [], 'a second file gets its own report');

  const human = await runCustos(['lint', join(dir, 'bad.pem')]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /san-dns-name-syntax +dNSName 'bad_name.example' has an underscore/);
});

test('custos lint: an unreadable file exits 2 with its code', async () => {
  await writeFile(join(dir, 'junk.pem'), 'not a certificate');
  const junk = await runCustos(['lint', join(dir, 'junk.pem')]);
  assert.equal(junk.code, 2);
  assert.match(junk.stderr, /CUSTOS_FILE_/);
});

test('the same lints are inventory findings after scan files (rsa-key-size left to weak-key)', async () => {
  const scan = await custos.run('scan', 'files', dir, '--json');
  assert.equal(scan.code, 0, scan.stderr);
  const findings = await custos.run('findings', '--json');
  assert.equal(findings.code, 0, findings.stderr);
  const rows = findings.json<Array<{ code: string; severity: string; subject: string; message: string }>>();
  const lintsOf = (subject: string): string[] =>
    rows
      .filter((r) => r.subject === subject && r.code.startsWith('lint-'))
      .map((r) => r.code)
      .sort();
  // No issuer in the inventory: validity-within-issuer is a `custos lint` / issuance check only.
  assert.deepEqual(lintsOf('CN=bad_name.example'), [
    'lint-eku-present',
    'lint-key-usage-key-type',
    'lint-san-dns-name-syntax',
    'lint-serial-number-entropy',
  ]);
  assert.deepEqual(lintsOf('CN=good.example'), []);
  const entropy = rows.find((r) => r.code === 'lint-serial-number-entropy')!;
  assert.equal(entropy.severity, 'info');
  assert.equal(rows.find((r) => r.code === 'lint-eku-present')!.severity, 'low');

  // One code per fact: the default policy's key-type-not-allowed, not also weak-key (nor lint-rsa-key-size).
  assert.deepEqual(
    rows.filter((r) => r.subject === 'CN=weak.example' && /key/.test(r.code)).map((r) => r.code),
    ['key-type-not-allowed'],
  );
  assert.deepEqual(lintsOf('CN=weak.example'), []);
  const weak = await runCustos(['lint', join(dir, 'weak.pem'), '--json']);
  assert.deepEqual(
    weak.json<LintReport[]>()[0]!.failures.map((f) => f.lint),
    ['rsa-key-size'],
    'custos lint still reports it',
  );
  const list = await custos.run('inventory', 'list', '--json');
  const entry = list
    .json<Array<{ fingerprintSha256: string; subject: string }>>()
    .find((e) => e.subject === 'CN=bad_name.example')!;
  const show = await custos.run('inventory', 'show', entry.fingerprintSha256.slice(0, 16), '--json');
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /lint-san-dns-name-syntax/);
});
