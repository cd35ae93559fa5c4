/**
 * Exceptions scoped by location, through the real CLI on SQLite and PostgreSQL: a trust store tree is waived as a
 * whole with `paths`, a legacy endpoint with `endpoints` (node:tls servers on 127.0.0.1 and 127.0.0.2); the same
 * certificate found in a waived place and elsewhere stays unwaived. `locations list` marks a served finding waived
 * when an exception covers that location.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import {
  aCertificate,
  aChain,
  issuedBy,
  withDnsNames,
  withFreshKey,
  withKey,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, runCustos, type Custos } from '../support/cli.js';
import { aServer } from '../support/server.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { tlsServer, type Running } from '../scan-tls/servers.js';

interface Entry {
  fingerprintSha256: string;
  findings: Array<{ code: string; waivedBy?: string }>;
}

interface LocationRow {
  locationKey: string;
  findings: Array<{ code: string; fingerprintSha256: string; waivedBy?: string }>;
}

const inAYear = (): string => new Date(Date.now() + 365 * 86_400_000).toISOString();

for (const dialect of DIALECTS) {
  describe(`exceptions scoped by paths (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let db: TestDatabase;
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
      db = await dialect.create();
      custos = await aCustos(db.options);
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
      await db?.dispose();
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

  describe(`exceptions scoped by endpoints (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let db: TestDatabase;
    let custos: Custos;
    /** Served only at 127.0.0.1, only at 127.0.0.2, and at both. */
    let legacy: BuiltCertificate;
    let other: BuiltCertificate;
    let both: BuiltCertificate;
    const servers: Running[] = [];
    const ports: Record<'legacy' | 'other' | 'bothWaived' | 'bothNot', number> = {
      legacy: 0,
      other: 0,
      bothWaived: 0,
      bothNot: 0,
    };
    const key = (host: string, port: number): string => `tls:${host}:${port}:legacy.corp.test`;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-exception-endpoints-'));
      // Every leaf names web.corp.test; each is probed as legacy.corp.test, so each endpoint serves a
      // hostname-mismatch (a finding of what the location serves, not of the certificate alone).
      const chain = await aChain(withSubject('CN=legacy'), withDnsNames('web.corp.test'));
      const leaf = (cn: string) =>
        aCertificate(
          withSubject(`CN=${cn}`),
          withDnsNames('web.corp.test'),
          withFreshKey(),
          issuedBy(chain.intermediate),
        );
      legacy = chain.leaf;
      other = await leaf('other');
      both = await leaf('both');
      const serve = async (cert: BuiltCertificate, host: string): Promise<number> => {
        const server = await tlsServer({ key: cert, chain: [cert, chain.intermediate] }, { host });
        servers.push(server);
        return server.port;
      };
      ports.legacy = await serve(legacy, '127.0.0.1');
      ports.other = await serve(other, '127.0.0.2');
      ports.bothWaived = await serve(both, '127.0.0.1');
      ports.bothNot = await serve(both, '127.0.0.2');
      await writeFile(join(dir, 'root.pem'), chain.root.pem);
      await writeFile(
        join(dir, 'exception.yaml'),
        `apiVersion: custos/v1
kind: Exception
metadata: {name: loopback-lab}
spec:
  waives: [hostname-mismatch]
  scope:
    endpoints: ["127.0.0.1:*"]
  reason: the lab answers under any name
  compensatingControl: reachable from this host only
  approver: security@corp.example
  expires: "${inAYear()}"
`,
      );
      db = await dialect.create();
      custos = await aCustos(db.options);
      const scan = await custos.run(
        'scan',
        'tls',
        `127.0.0.1:${ports.legacy}`,
        `127.0.0.2:${ports.other}`,
        `127.0.0.1:${ports.bothWaived}`,
        `127.0.0.2:${ports.bothNot}`,
        '--sni',
        'legacy.corp.test',
        '--trust',
        join(dir, 'root.pem'),
        '--json',
      );
      assert.equal(scan.code, 0, scan.stderr);
      assert.deepEqual(
        scan.json<{ summary: { served: number; findings: Record<string, number> } }>().summary.findings,
        { 'hostname-mismatch': 4 },
      );
      const applied = await custos.run('apply', '-f', join(dir, 'exception.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await custos?.cleanup();
      await db?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    const mismatchOf = (entries: Entry[], cert: BuiltCertificate) =>
      entries
        .find((e) => e.fingerprintSha256 === cert.fingerprintSha256)
        ?.findings.filter((f) => f.code === 'hostname-mismatch');

    it('inventory list and findings: waived where every place matches 127.0.0.1:*, not elsewhere', async () => {
      const list = await custos.run('inventory', 'list', '--json');
      assert.equal(list.code, 0, list.stderr);
      const entries = list.json<Entry[]>();
      assert.deepEqual(
        mismatchOf(entries, legacy)?.map((f) => f.waivedBy),
        ['loopback-lab'],
        'served at 127.0.0.1 only',
      );
      assert.deepEqual(
        mismatchOf(entries, other)?.map((f) => f.waivedBy),
        [undefined],
        'served at 127.0.0.2',
      );
      assert.deepEqual(
        mismatchOf(entries, both)?.map((f) => f.waivedBy),
        [undefined],
        'served at 127.0.0.1 and at 127.0.0.2: not every place matches',
      );

      const findings = await custos.run('findings', '--json');
      assert.equal(findings.code, 0, findings.stderr);
      const rows = findings
        .json<Array<{ fingerprintSha256: string; code: string; waivedBy?: string }>>()
        .filter((r) => r.code === 'hostname-mismatch')
        .map((r) => [r.fingerprintSha256, r.waivedBy ?? null])
        .sort();
      assert.deepEqual(
        rows,
        [
          [legacy.fingerprintSha256, 'loopback-lab'],
          [other.fingerprintSha256, null],
          [both.fingerprintSha256, null],
        ].sort(),
      );

      const table = await custos.run('inventory', 'list');
      const line = (cert: BuiltCertificate) =>
        table.stdout.split('\n').find((l) => l.startsWith(cert.fingerprintSha256.slice(0, 16))) ?? '';
      assert.match(line(legacy), /hostname-mismatch\(waived\)/);
      assert.match(line(other), /hostname-mismatch(?!\(waived\))/);
      assert.doesNotMatch(line(other), /\(waived\)/);
    });

    it('locations list marks the served finding waived at each location the exception covers', async () => {
      const list = await custos.run('locations', 'list', '--json');
      assert.equal(list.code, 0, list.stderr);
      const byKey = new Map(list.json<LocationRow[]>().map((l) => [l.locationKey, l]));
      const waivedAt = (host: string, port: number) =>
        byKey
          .get(key(host, port))
          ?.findings.filter((f) => f.code === 'hostname-mismatch')
          .map((f) => f.waivedBy ?? null);
      assert.deepEqual(waivedAt('127.0.0.1', ports.legacy), ['loopback-lab']);
      assert.deepEqual(waivedAt('127.0.0.2', ports.other), [null]);
      // A location's finding is about what that location serves: the exception covers 127.0.0.1 wherever else
      // the certificate is served.
      assert.deepEqual(waivedAt('127.0.0.1', ports.bothWaived), ['loopback-lab']);
      assert.deepEqual(waivedAt('127.0.0.2', ports.bothNot), [null]);

      const table = await custos.run('locations', 'list');
      assert.equal(table.code, 0, table.stderr);
      const line = (host: string, port: number) =>
        table.stdout.split('\n').find((l) => l.startsWith(`${key(host, port)} `)) ?? '';
      assert.match(line('127.0.0.1', ports.legacy), /\shostname-mismatch\(waived\)$/);
      assert.match(line('127.0.0.2', ports.other), /\shostname-mismatch$/);

      // A server answers the same (GET /v1/locations keeps waivedBy).
      const token = await custos.run('token', 'create', '--scopes', 'read', '--json');
      assert.equal(token.code, 0, token.stderr);
      const server = await aServer(custos.stateFlags, { timeoutMs: 60_000 });
      try {
        const remote = await runCustos(['locations', 'list', '--json'], {
          env: { CUSTOS_SERVER: server.url, CUSTOS_TOKEN: token.json<{ token: string }>().token },
        });
        assert.equal(remote.code, 0, remote.stderr);
        const sorted = (rows: LocationRow[]) =>
          rows.map((r) => [r.locationKey, r.findings] as const).sort(([a], [b]) => a.localeCompare(b));
        assert.deepEqual(sorted(remote.json<LocationRow[]>()), sorted(list.json<LocationRow[]>()));
      } finally {
        await server.stop();
      }
    });
  });
}
