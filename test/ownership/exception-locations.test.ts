/**
 * Exceptions scoped by location, through the real CLI: a trust store tree is waived as a whole with `paths`, a
 * legacy endpoint with `endpoints`; the same certificate found in a waived place and elsewhere stays unwaived.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aCertificate, withDnsNames, withKey } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';

interface Entry {
  fingerprintSha256: string;
  findings: Array<{ code: string; waivedBy?: string }>;
}

describe('exceptions scoped by paths', () => {
  let dir: string;
  let custos: Custos;
  let listed: Map<string, Entry>;
  let onlyInStore: string;
  let alsoDeployed: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-exception-paths-'));
    const a = await aCertificate(withKey('RSA', 1024), withDnsNames('legacy-a.corp.example'));
    const b = await aCertificate(withKey('RSA', 1024), withDnsNames('legacy-b.corp.example'));
    onlyInStore = a.fingerprintSha256;
    alsoDeployed = b.fingerprintSha256;
    await mkdir(join(dir, 'trust', 'certs'), { recursive: true });
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'trust', 'certs', 'a.pem'), a.pem);
    await writeFile(join(dir, 'trust', 'certs', 'b.pem'), b.pem);
    await writeFile(join(dir, 'app', 'b.pem'), b.pem);
    await writeFile(
      join(dir, 'exception.yaml'),
      `apiVersion: custos/v1
kind: Exception
metadata: {name: distribution-trust-store}
spec:
  waives: [weak-key, key-type-not-allowed]
  scope:
    paths: ["${join(dir, 'trust')}/**"]
  reason: the distribution ships these roots
  compensatingControl: not used for server authentication
  approver: security@corp.example
  expires: "${new Date(Date.now() + 90 * 86_400_000).toISOString()}"
`,
    );
    custos = await aCustos();
    const scan = await custos.run('scan', 'files', dir);
    assert.equal(scan.code, 0, scan.stderr);
    const applied = await custos.run('apply', '-f', join(dir, 'exception.yaml'));
    assert.equal(applied.code, 0, applied.stderr);
    const list = await custos.run('inventory', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    listed = new Map(list.json<Entry[]>().map((e) => [e.fingerprintSha256, e]));
  });
  after(async () => {
    await custos?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('a certificate found only in the waived tree has its weak-key finding waived', () => {
    const weak = listed
      .get(onlyInStore)
      ?.findings.filter((f) => /weak-key|key-type-not-allowed/.test(f.code));
    assert.ok(weak && weak.length > 0, JSON.stringify(listed.get(onlyInStore)));
    for (const f of weak) assert.equal(f.waivedBy, 'distribution-trust-store', f.code);
  });

  test('the same waiver does not hide a certificate also deployed outside the tree', () => {
    const weak = listed
      .get(alsoDeployed)
      ?.findings.filter((f) => /weak-key|key-type-not-allowed/.test(f.code));
    assert.ok(weak && weak.length > 0, JSON.stringify(listed.get(alsoDeployed)));
    for (const f of weak) assert.equal(f.waivedBy, undefined, f.code);
  });

  test('an endpoint pattern that is not host:port is refused at apply time', async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      `apiVersion: custos/v1
kind: Exception
metadata: {name: bad}
spec:
  waives: [weak-key]
  scope: {endpoints: ["plc.corp"]}
  reason: r
  compensatingControl: c
  approver: a
  expires: "2030-01-01T00:00:00Z"
`,
    );
    const applied = await custos.run('apply', '-f', join(dir, 'bad.yaml'));
    assert.equal(applied.code, 2);
    assert.match(applied.stderr, /CUSTOS_MANIFEST_INVALID/);
    assert.match(applied.stdout + applied.stderr, /host:port/);
  });
});
