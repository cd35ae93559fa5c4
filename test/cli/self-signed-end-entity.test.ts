/**
 * A self-signed certificate made by `openssl req -x509` carries `CA:TRUE` by default; used as an end entity (its
 * key beside it, subjectAltNames, or a serverAuth/clientAuth purpose) it is `self-signed`, while a root that only sits in a trust bundle is not.
 * Real openssl certificates, scanned by the real CLI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { aCustos, type Custos } from '../support/cli.js';
import { inventoryFindings, type InventoryEntry } from './contract-types.js';

const run = promisify(execFile);

async function opensslSelfSigned(dir: string, name: string, ...extra: string[]): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    join(dir, `${name}.crt`),
    '-subj',
    `/CN=${name}`,
    '-days',
    '90',
    ...extra,
  ]);
}

let root: string;
let custos: Custos;
let inventory: InventoryEntry[];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'custos-self-signed-'));
  const scanned = join(root, 'etc');
  const elsewhere = join(root, 'keys-elsewhere');
  await mkdir(scanned);
  await mkdir(elsewhere);
  // A server's certificate with its key beside it, as `openssl req -x509` writes both (no SAN, CA:TRUE).
  await opensslSelfSigned(scanned, 'app.internal');
  // A certificate naming a SAN, its key kept elsewhere.
  await opensslSelfSigned(elsewhere, 'api.internal', '-addext', 'subjectAltName=DNS:api.internal');
  await writeFile(join(scanned, 'api.internal.crt'), await readFile(join(elsewhere, 'api.internal.crt')));
  // A client certificate: no SAN, only a clientAuth purpose, its key kept elsewhere.
  await opensslSelfSigned(elsewhere, 'batch-client', '-addext', 'extendedKeyUsage=clientAuth');
  await writeFile(join(scanned, 'batch-client.crt'), await readFile(join(elsewhere, 'batch-client.crt')));
  // A root in a trust bundle: no SAN, no key beside it, not served.
  await opensslSelfSigned(elsewhere, 'Example Root CA');
  await writeFile(join(scanned, 'ca-bundle.pem'), await readFile(join(elsewhere, 'Example Root CA.crt')));
  custos = await aCustos();
  const scan = await custos.run('scan', 'files', scanned, '--json');
  assert.equal(scan.code, 0, scan.stderr);
  const listed = await custos.run('inventory', 'list', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  inventory = listed.json<InventoryEntry[]>();
});
after(async () => {
  await custos?.cleanup();
  await rm(root, { recursive: true, force: true });
});

const entry = (cn: string): InventoryEntry => {
  const found = inventory.find((e) => e.subject === `CN=${cn}`);
  assert.ok(found, `${cn} is listed`);
  return found;
};

test('openssl req -x509 certificates carry CA:TRUE', () => {
  for (const cn of ['app.internal', 'api.internal', 'batch-client', 'Example Root CA'])
    assert.equal(entry(cn).isCA, true, cn);
});

test('with its private key beside it, a CA:TRUE self-signed certificate is a self-signed end entity', () => {
  assert.ok(inventoryFindings(entry('app.internal')).includes('self-signed'));
});

test('naming subjectAltNames, a CA:TRUE self-signed certificate is a self-signed end entity', () => {
  assert.ok(inventoryFindings(entry('api.internal')).includes('self-signed'));
});

test('with a TLS purpose (extendedKeyUsage clientAuth), a CA:TRUE self-signed certificate is a self-signed end entity', () => {
  assert.ok(inventoryFindings(entry('batch-client')).includes('self-signed'));
});

test('a root that only sits in a trust bundle is not self-signed', () => {
  assert.deepEqual(inventoryFindings(entry('Example Root CA')), []);
});
