/**
 * Issue 9, "one code per fact", for what endpoints serve: a certificate's own facts (its expiry, its key) are judged
 * by one rule whether or not an endpoint serves it, a scan's report names them by the same codes as the inventory,
 * and a root sent along after the chain is not a leaf. Through
 * the real CLI against node:tls servers on 127.0.0.1, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  aCertificate,
  aChain,
  asCA,
  validFor,
  withDnsNames,
  withExtendedKeyUsages,
  withKey,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS } from '../store/dialects.js';
import { tlsServer, type Running } from '../scan-tls/servers.js';

interface Listed {
  fingerprintSha256: string;
  findings: Array<{ code: string; message: string }>;
}

for (const dialect of DIALECTS) {
  describe(`what an endpoint serves is judged as the certificate is (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let db: Awaited<ReturnType<typeof dialect.create>>;
    let custos: Custos;
    let chain: { root: BuiltCertificate; intermediate: BuiltCertificate; leaf: BuiltCertificate };
    let alone: BuiltCertificate;
    const running: Running[] = [];

    const codes = async (): Promise<Map<string, string[]>> => {
      const list = await custos.run('inventory', 'list', '--json');
      assert.equal(list.code, 0, list.stderr);
      return new Map(
        list.json<Listed[]>().map((e) => [e.fingerprintSha256, e.findings.map((f) => f.code).sort()]),
      );
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-served-facts-'));
      // A 30-day leaf: its expiring-soon window is the last third of its life (10 days), not 30 days.
      chain = await aChain(withDnsNames('web.corp.test'), validFor(30));
      // What `openssl req -x509` makes by default: self-signed, CA:TRUE, used as a server's own certificate.
      alone = await aCertificate(
        withSubject('CN=alone.corp.test'),
        asCA(),
        withExtendedKeyUsages('serverAuth'),
        validFor(365),
      );
      await writeFile(join(dir, 'leaf.pem'), chain.leaf.pem);
      await writeFile(join(dir, 'root.pem'), chain.root.pem);
      db = await dialect.create();
      custos = await aCustos(db.options);
    });
    after(async () => {
      for (const server of running) await server.close();
      await custos?.cleanup();
      await db?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('a leaf is expiring soon by the same window before and after an endpoint is probed', async () => {
      const files = await custos.run('scan', 'files', join(dir, 'leaf.pem'));
      assert.equal(files.code, 0, files.stderr);
      const before = (await codes()).get(chain.leaf.fingerprintSha256) ?? [];
      assert.ok(!before.includes('expiring-soon'), before.join(','));

      // The server sends its root after the chain, as many do.
      const server = await tlsServer({
        key: chain.leaf,
        chain: [chain.leaf, chain.intermediate, chain.root],
      });
      running.push(server);
      const scan = await custos.run(
        'scan',
        'tls',
        `127.0.0.1:${server.port}`,
        '--sni',
        'web.corp.test',
        '--trust',
        join(dir, 'root.pem'),
      );
      assert.equal(scan.code, 0, scan.stderr);
      const after = await codes();
      const leaf = after.get(chain.leaf.fingerprintSha256) ?? [];
      assert.ok(!leaf.includes('expiring-soon'), leaf.join(','));
      assert.deepEqual(before, leaf);

      // The root sent along is the chain's root there, not a leaf signed by its own key.
      const root = after.get(chain.root.fingerprintSha256) ?? [];
      assert.ok(!root.includes('self-signed'), root.join(','));
    });

    it('a root sent after a leaf without the intermediate between them is no leaf either', async () => {
      const other = await aChain(withDnsNames('gap.corp.test'));
      const server = await tlsServer({ key: other.leaf, chain: [other.leaf, other.root] });
      running.push(server);
      const scan = await custos.run('scan', 'tls', `127.0.0.1:${server.port}`, '--sni', 'gap.corp.test');
      assert.equal(scan.code, 0, scan.stderr);
      const root = (await codes()).get(other.root.fingerprintSha256) ?? [];
      assert.ok(!root.includes('self-signed'), root.join(','));
      assert.ok(!root.includes('long-validity'), root.join(','));
    });

    it('a self-signed CA:TRUE certificate a server presents as its own is self-signed', async () => {
      const server = await tlsServer({ key: alone, chain: [alone] });
      running.push(server);
      const scan = await custos.run('scan', 'tls', `127.0.0.1:${server.port}`, '--sni', 'alone.corp.test');
      assert.equal(scan.code, 0, scan.stderr);
      const found = (await codes()).get(alone.fingerprintSha256) ?? [];
      assert.ok(found.includes('self-signed'), found.join(','));
    });

    it("the scan's report names a leaf's own fact by the policy's code, as the inventory does", async () => {
      // RSA-1024: the chain analysis says weak-key, the default policy key-type-not-allowed; one fact, one code.
      const weak = await aChain(withDnsNames('weak.corp.test'), withKey('RSA', 1024));
      await writeFile(join(dir, 'weak-root.pem'), weak.root.pem);
      const server = await tlsServer({ key: weak.leaf, chain: [weak.leaf, weak.intermediate] });
      running.push(server);
      const args = ['--sni', 'weak.corp.test', '--trust', join(dir, 'weak-root.pem')];
      const json = await custos.run('scan', 'tls', `127.0.0.1:${server.port}`, ...args, '--json');
      assert.equal(json.code, 0, json.stderr);
      const scanned = json.json<{
        results: Array<{ findings: Array<{ code: string }> }>;
        summary: { findings: Record<string, number> };
      }>();
      const reported = scanned.results[0]!.findings.map((f) => f.code);
      assert.ok(reported.includes('key-type-not-allowed'), reported.join(','));
      assert.ok(!reported.includes('weak-key'), reported.join(','));
      assert.equal(scanned.summary.findings['key-type-not-allowed'], 1);
      assert.equal(scanned.summary.findings['weak-key'], undefined);
      const listed = (await codes()).get(weak.leaf.fingerprintSha256) ?? [];
      assert.ok(listed.includes('key-type-not-allowed') && !listed.includes('weak-key'), listed.join(','));

      // The table of a second run (the leaf unchanged, its evaluation stored by the first) says the same.
      const table = await custos.run('scan', 'tls', `127.0.0.1:${server.port}`, ...args);
      assert.equal(table.code, 0, table.stderr);
      const row = table.stdout.split('\n').find((line) => line.includes(`127.0.0.1:${server.port}`)) ?? '';
      assert.match(row, /key-type-not-allowed/);
      assert.doesNotMatch(row, /weak-key/);
    });
  });
}
