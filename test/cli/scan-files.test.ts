/**
 * `custos scan files` end to end, as a user checks it: a tree holding every format the issue names (and broken
 * files) is scanned by the real CLI into a fresh SQLite data dir, then read back with `inventory list --json`,
 * `inventory show`, `findings`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { aCertificate, withFreshKey, withSubject } from '../support/certificates.js';
import { aCustos, runCustos, type Custos } from '../support/cli.js';
import { rfc4514Order } from '../support/certificate-oracles.js';
import { buildEveryFormatTree, PASSWORDS, type EveryFormatTree } from './every-format-tree.js';
import {
  INVENTORY_FINDINGS,
  inventoryFindings,
  type InventoryEntry,
  type ScanSummary,
} from './contract-types.js';

const run = promisify(execFile);
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const passwordFlags = PASSWORDS.flatMap((p) => ['--password', p]);

describe('custos scan files: a tree of every format', () => {
  let tree: EveryFormatTree;
  let custos: Custos;
  let scan: ScanSummary;
  let inventory: InventoryEntry[];
  const byFingerprint = new Map<string, InventoryEntry>();

  before(async () => {
    tree = await buildEveryFormatTree();
    custos = await aCustos();
    const scanned = await custos.run('scan', 'files', tree.root, ...passwordFlags, '--json');
    assert.equal(scanned.code, 0, scanned.stderr);
    scan = scanned.json<ScanSummary>();
    const listed = await custos.run('inventory', 'list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    inventory = listed.json<InventoryEntry[]>();
    for (const entry of inventory) byFingerprint.set(entry.fingerprintSha256, entry);
  });
  after(async () => {
    await custos?.cleanup();
    await tree?.cleanup();
  });

  test('passwords from --password-file and CUSTOS_PASSWORDS open what --password opens', async () => {
    const [first, ...rest] = PASSWORDS;
    const other = await aCustos();
    try {
      const file = join(other.stateFlags.at(-1) ?? '', 'passwords.txt');
      await writeFile(file, `${rest.join('\n')}\n`, { mode: 0o600 });
      const scanned = await runCustos(
        [...other.stateFlags, 'scan', 'files', tree.root, '--password-file', file, '--json'],
        { env: { CUSTOS_PASSWORDS: `${first}\n` } },
      );
      assert.equal(scanned.code, 0, scanned.stderr);
      const listed = (await other.run('inventory', 'list', '--json')).json<InventoryEntry[]>();
      assert.deepEqual(listed.map((e) => e.fingerprintSha256).sort(), [...byFingerprint.keys()].sort());
      const missing = await other.run('scan', 'files', tree.root, '--password-file', `${file}.missing`);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /CUSTOS_FILE_NOT_FOUND/);
    } finally {
      await other.cleanup();
    }
  });

  test('lists exactly the certificates the tree holds, each once', () => {
    const expected = [...tree.certificates.values()].map((c) => c.certificate.fingerprintSha256).sort();
    const listed = inventory.map((e) => e.fingerprintSha256);
    assert.deepEqual([...listed].sort(), expected);
    assert.equal(new Set(listed).size, listed.length, 'a certificate is listed twice');
    for (const locked of tree.unreadable) {
      assert.ok(!byFingerprint.has(locked.fingerprintSha256), 'a certificate of a locked PKCS#12 was read');
    }
  });

  test('gives each certificate its file locations (absolute paths), one per file holding it', () => {
    for (const c of tree.certificates.values()) {
      const entry = byFingerprint.get(c.certificate.fingerprintSha256);
      assert.ok(entry, `${c.label} is not listed`);
      const paths = entry.locations.map((l) => l.path).sort();
      assert.deepEqual(paths, [...c.paths].sort(), `locations of ${c.label}`);
      for (const l of entry.locations) {
        assert.equal(l.kind, 'file');
        assert.match(l.firstSeen, ISO_UTC);
        assert.match(l.lastSeen, ISO_UTC);
        assert.equal(l.endedAt, undefined);
      }
    }
    assert.equal(
      byFingerprint.get(tree.certificates.get('dup')!.certificate.fingerprintSha256)?.locations.length,
      3,
    );
  });

  test('reports the findings of each certificate', () => {
    for (const c of tree.certificates.values()) {
      const entry = byFingerprint.get(c.certificate.fingerprintSha256);
      assert.ok(entry, `${c.label} is not listed`);
      assert.deepEqual(inventoryFindings(entry), c.findings, `findings of ${c.label} (${entry.subject})`);
      for (const f of entry.findings) {
        assert.match(f.severity, /^(info|low|medium|high|critical)$/);
        assert.ok(f.message.length > 0);
      }
    }
  });

  test('records where private keys were found beside their certificates', () => {
    for (const c of tree.certificates.values()) {
      const entry = byFingerprint.get(c.certificate.fingerprintSha256);
      if (c.keyPaths.length === 0) {
        assert.deepEqual(entry?.keyLocations ?? [], [], `${c.label} has no private key anywhere`);
        continue;
      }
      assert.deepEqual(entry?.keyLocations?.map((l) => l.path).sort(), [...c.keyPaths].sort(), c.label);
    }
  });

  test('names the Kubernetes Secret each certificate of a manifest came from', () => {
    const secretOf = (label: string) =>
      byFingerprint.get(tree.certificates.get(label)!.certificate.fingerprintSha256)?.locations[0]?.k8sSecret;
    assert.deepEqual(secretOf('k8sJson'), { namespace: 'default', name: 'api-tls' });
    assert.deepEqual(secretOf('k8sYaml'), { namespace: 'shop', name: 'web-tls' });
    assert.deepEqual(secretOf('k8sYaml2'), { namespace: 'shop', name: 'admin-tls' });
  });

  test('reports every broken file with a stable code and its path, and goes on past them', () => {
    const got = scan.errors.map((e) => `${e.code} ${e.path}`).sort();
    const want = tree.errors.map((e) => `${e.code} ${e.path}`).sort();
    assert.deepEqual(got, want);
    for (const e of scan.errors) assert.ok(e.message.length > 0, `${e.path} has no message`);
  });

  test('summarises files read, certificates and new ones', () => {
    assert.equal(scan.files, tree.files);
    assert.equal(scan.certificates, tree.certificates.size);
    assert.equal(scan.new, tree.certificates.size);
  });

  test('prints one certificate field by field as the JSON contract says (checked against openssl)', async () => {
    const bundle = tree.certificates.get('bundle')!;
    const entry = byFingerprint.get(bundle.certificate.fingerprintSha256)!;
    const pem = join(tree.root, 'pem', 'fullchain.pem');
    const { stdout } = await run('openssl', [
      'x509',
      '-in',
      pem,
      '-noout',
      '-fingerprint',
      '-sha256',
      '-serial',
      '-dates',
      '-dateopt',
      'iso_8601',
    ]);
    const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(stdout)?.[1] ?? '';
    assert.equal(entry.fingerprintSha256, field('sha256 Fingerprint').replaceAll(':', '').toLowerCase());
    assert.match(entry.fingerprintSha256, /^[0-9a-f]{64}$/);
    assert.equal(entry.serialNumber, field('serial').toLowerCase());
    assert.equal(entry.notBefore, new Date(field('notBefore').replace(' ', 'T')).toISOString());
    assert.equal(entry.notAfter, new Date(field('notAfter').replace(' ', 'T')).toISOString());
    assert.match(entry.notBefore, ISO_UTC);
    assert.equal(entry.subject, rfc4514Order(bundle.certificate.x509.subject));
    assert.equal(entry.issuer, rfc4514Order(tree.certificates.get('intermediate')!.certificate.x509.subject));
    assert.deepEqual(entry.subjectAltNames, ['bundle.example', 'www.bundle.example', '192.0.2.10']);
    assert.equal(entry.keyAlgorithm, 'RSA');
    assert.equal(entry.keySize, 2048);
    assert.equal(entry.signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.equal(entry.isCA, false);
    assert.equal(entry.selfSigned, false);
    assert.equal(entry.spiffeId, null);
    assert.deepEqual(
      entry.locations.map(({ kind, path }) => ({ kind, path })),
      [{ kind: 'file', path: pem }],
    );
  });

  test('names key algorithms and sizes as cert-manager does', () => {
    const key = (label: string) => {
      const e = byFingerprint.get(tree.certificates.get(label)!.certificate.fingerprintSha256)!;
      return `${e.keyAlgorithm} ${e.keySize}`;
    };
    assert.equal(key('bundle'), 'RSA 2048');
    assert.equal(key('weak'), 'RSA 1024');
    assert.equal(key('dup'), 'ECDSA 256');
    assert.equal(key('crlf'), 'ECDSA 384');
    assert.equal(key('p7pem'), 'Ed25519 256');
    const root = byFingerprint.get(tree.certificates.get('root')!.certificate.fingerprintSha256)!;
    assert.equal(root.isCA, true);
    assert.equal(root.selfSigned, true);
    const spiffe = byFingerprint.get(tree.certificates.get('k8sJson')!.certificate.fingerprintSha256)!;
    assert.equal(spiffe.spiffeId, 'spiffe://example.org/ns/payments/sa/api');
    const sha1 = byFingerprint.get(tree.certificates.get('p12legacy')!.certificate.fingerprintSha256)!;
    assert.equal(sha1.signatureAlgorithm, 'ecdsa-with-SHA1');
  });

  test('filters the inventory by finding and by expiry window', async () => {
    const weak = (await custos.run('inventory', 'list', '--finding', 'key-type-not-allowed', '--json')).json<
      InventoryEntry[]
    >();
    assert.deepEqual(
      weak.map((e) => e.fingerprintSha256),
      [tree.certificates.get('weak')!.certificate.fingerprintSha256],
    );
    const soon = await custos.run('inventory', 'list', '--expiring-within', '30d', '--json');
    assert.equal(soon.code, 0, soon.stderr);
    assert.deepEqual(
      soon
        .json<InventoryEntry[]>()
        .map((e) => e.fingerprintSha256)
        .sort(),
      [tree.certificates.get('p12pass')!, tree.certificates.get('p7der')!]
        .map((c) => c.certificate.fingerprintSha256)
        .sort(),
      'expired and expiring within 30 days',
    );
  });

  test('`custos findings --json` lists each problem with its certificate; --fail-on high exits 1', async () => {
    const findings = await custos.run('findings', '--json');
    assert.equal(findings.code, 0, findings.stderr);
    const rows = findings.json<Array<{ fingerprintSha256: string; code: string; severity: string }>>();
    const got = rows
      .filter((r) => INVENTORY_FINDINGS.has(r.code))
      .map((r) => `${r.fingerprintSha256} ${r.code}`)
      .sort();
    const want = [...tree.certificates.values()]
      .flatMap((c) => c.findings.map((code) => `${c.certificate.fingerprintSha256} ${code}`))
      .sort();
    assert.deepEqual(got, want);
    const failing = await custos.run('findings', '--fail-on', 'high');
    assert.equal(failing.code, 1, 'an expired certificate is a finding of severity critical');
  });

  test('`inventory show PREFIX --json` finds a certificate by an upper-case, colon-separated prefix', async () => {
    const dup = tree.certificates.get('dup')!.certificate.fingerprintSha256;
    const prefix = dup
      .slice(0, 8)
      .toUpperCase()
      .replace(/(..)(?!$)/g, '$1:');
    const shown = await custos.run('inventory', 'show', prefix, '--json');
    assert.equal(shown.code, 0, shown.stderr);
    const entry = shown.json<InventoryEntry>();
    assert.equal(entry.fingerprintSha256, dup);
    assert.equal(entry.locations.length, 3);
  });
});

describe('custos scan files: an unreadable file', () => {
  test('gets CUSTOS_FILE_UNREADABLE and the scan goes on', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('runs as root, whom file permissions do not stop: an unreadable file cannot be made here');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'custos-e2e-unreadable-'));
    const custos = await aCustos();
    try {
      const readable = await aCertificate(withSubject('CN=readable.example'), withFreshKey());
      const secret = await aCertificate(withSubject('CN=secret.example'), withFreshKey());
      await mkdir(join(dir, 'a'));
      await writeFile(join(dir, 'a', 'readable.pem'), readable.pem);
      await writeFile(join(dir, 'a', 'secret.pem'), secret.pem);
      await chmod(join(dir, 'a', 'secret.pem'), 0o000);
      const scanned = await custos.run('scan', 'files', dir, '--json');
      assert.equal(scanned.code, 0, scanned.stderr);
      const summary = scanned.json<ScanSummary>();
      assert.deepEqual(
        summary.errors.map((e) => [e.code, e.path]),
        [['CUSTOS_FILE_UNREADABLE', join(dir, 'a', 'secret.pem')]],
      );
      const listed = (await custos.run('inventory', 'list', '--json')).json<InventoryEntry[]>();
      assert.deepEqual(
        listed.map((e) => e.fingerprintSha256),
        [readable.fingerprintSha256],
      );
    } finally {
      await chmod(join(dir, 'a', 'secret.pem'), 0o600).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await custos.cleanup();
    }
  });
});
