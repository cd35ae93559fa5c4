/**
 * `custos scan tls` end to end through the real CLI (compiled dist/), against node:tls servers on 127.0.0.1:
 * the streamed --json, the tls locations in `inventory list --json`, the audit trail of a redeployment, and the
 * usage errors.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  aCertificate,
  aChain,
  issuedBy,
  withDnsNames,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { closedPort, smtpServer, tlsServer, type Running } from './servers.js';

interface ScanJson {
  results: Array<{
    host: string;
    port: number;
    sni: string | null;
    address: string | null;
    ok: boolean;
    code?: string;
    tlsVersion?: string;
    chain?: Array<{ fingerprintSha256: string }>;
    findings?: Array<{ code: string }>;
    trusted?: boolean;
    deployment?: string;
  }>;
  summary: { endpoints: number; served: number; failed: number; failures: Record<string, number> };
}

interface Listed {
  fingerprintSha256: string;
  findings: Array<{ code: string; message: string }>;
  locations: Array<{
    kind: string;
    host?: string;
    port?: number;
    sni?: string | null;
    address?: string;
    firstSeen: string;
    lastSeen: string;
  }>;
}

describe('custos scan tls', () => {
  let custos: Custos;
  let dir: string;
  let rootFile: string;
  let chain: { root: BuiltCertificate; intermediate: BuiltCertificate; leaf: BuiltCertificate };
  const running: Running[] = [];

  before(async () => {
    custos = await aCustos();
    dir = await mkdtemp(join(tmpdir(), 'custos-scan-tls-'));
    chain = await aChain(withSubject('CN=a.example'), withDnsNames('a.example'));
    rootFile = join(dir, 'root.pem');
    await writeFile(rootFile, chain.root.pem);
  });
  after(async () => {
    await Promise.all(running.map((r) => r.close()));
    await custos?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('scans targets into the inventory; --json streams each result and the summary', async () => {
    const { leaf, intermediate } = chain;
    const web = await tlsServer({ key: leaf, chain: [leaf, intermediate] });
    const mail = await smtpServer({ key: leaf, chain: [leaf, intermediate] });
    running.push(web, mail);
    const closed = await closedPort();
    const targetsFile = join(dir, 'targets.txt');
    await writeFile(targetsFile, `# mail\n127.0.0.1:${mail.port}\n`);

    const scan = await custos.run(
      'scan',
      'tls',
      `127.0.0.1:${web.port}`,
      `127.0.0.1:${closed}`,
      '--targets-file',
      targetsFile,
      '--sni',
      'a.example',
      '--trust',
      rootFile,
      '--starttls',
      'smtp',
      '--timeout',
      '1s',
      '--json',
    );
    assert.equal(scan.code, 0, scan.stderr);
    const out = scan.json<ScanJson>();
    assert.deepEqual(out.summary.endpoints, 3);
    assert.deepEqual(
      [out.summary.served, out.summary.failed, out.summary.failures],
      [1, 2, { timeout: 1, refused: 1 }],
    );
    const byPort = new Map(out.results.map((r) => [r.port, r]));
    // --starttls smtp applies to every endpoint: the TLS server waits for a ClientHello, never greets.
    assert.equal(byPort.get(web.port)?.code, 'timeout');
    assert.equal(byPort.get(closed)?.code, 'refused');
    const served = byPort.get(mail.port);
    assert.deepEqual(
      served?.chain?.map((c) => c.fingerprintSha256),
      [leaf.fingerprintSha256, intermediate.fingerprintSha256],
    );
    assert.deepEqual(
      [served?.trusted, served?.findings, served?.deployment, served?.sni],
      [true, [], 'new', 'a.example'],
    );

    const direct = await custos.run(
      'scan',
      'tls',
      `127.0.0.1:${web.port}`,
      '--sni',
      'a.example',
      '--trust',
      rootFile,
      '--json',
    );
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(direct.json<ScanJson>().results[0]?.trusted, true);

    const listed = await custos.run('inventory', 'list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const entries = listed.json<Listed[]>();
    const leafEntry = entries.find((e) => e.fingerprintSha256 === leaf.fingerprintSha256);
    const locations = (leafEntry?.locations ?? []).map(({ firstSeen, lastSeen, ...rest }) => {
      assert.match(firstSeen, /Z$/);
      assert.match(lastSeen, /Z$/);
      return rest;
    });
    assert.deepEqual(
      locations.sort((a, b) => (a.port ?? 0) - (b.port ?? 0)),
      [web.port, mail.port]
        .sort((a, b) => a - b)
        .map((port) => ({ kind: 'tls', host: '127.0.0.1', port, sni: 'a.example', address: '127.0.0.1' })),
    );
  });

  test('a redeployment on the same endpoint shows in the audit trail; the table names findings, locations list those of the address', async () => {
    const { leaf, intermediate } = chain;
    const renewed = await aCertificate(
      withSubject('CN=a.example'),
      withDnsNames('a.example'),
      issuedBy(intermediate),
    );
    const before = await tlsServer({ key: leaf, chain: [leaf, intermediate] });
    const port = before.port;
    assert.equal((await custos.run('scan', 'tls', `127.0.0.1:${port}`, '--trust', rootFile)).code, 0);
    await before.close();
    const now = await tlsServer({ key: renewed, chain: [renewed] }, { port });
    running.push(now);
    const table = await custos.run('scan', 'tls', `127.0.0.1:${port}`, '--trust', rootFile);
    assert.equal(table.code, 0, table.stderr);
    // No SNI for an IP address: the leaf names a.example, not 127.0.0.1; the intermediate is no longer sent.
    assert.match(
      table.stdout,
      new RegExp(
        `127\\.0\\.0\\.1:${port} +TLSv1\\.3 +${renewed.fingerprintSha256.slice(0, 16)} CN=a\\.example +incomplete-chain,hostname-mismatch`,
      ),
    );
    assert.match(
      table.stdout,
      /1 endpoint: 1 served a chain \(0 trusted\), 0 failed; 1 certificate, 1 new, 1 endpoint changed/,
    );

    const audit = await custos.run('audit', 'export');
    assert.equal(audit.code, 0, audit.stderr);
    const events = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; subject: string; data: Record<string, unknown> });
    const changed = events.filter(
      (e) => e.type === 'deployment.changed' && e.subject === `tls:127.0.0.1:${port}:`,
    );
    assert.equal(changed.length, 1);
    assert.deepEqual(changed[0]?.data['previous'], [leaf.fingerprintSha256, intermediate.fingerprintSha256]);
    assert.deepEqual(changed[0]?.data['current'], [renewed.fingerprintSha256]);

    // What an endpoint probed by bare IP address serves wrong belongs to that location (`locations list`), not to
    // the certificate: the name it was judged against is an address, not one it was meant to serve.
    const listed = await custos.run('inventory', 'list', '--json');
    const entry = listed.json<Listed[]>().find((e) => e.fingerprintSha256 === renewed.fingerprintSha256);
    const codes = (entry?.findings ?? []).map((f) => f.code);
    assert.ok(!codes.includes('incomplete-chain') && !codes.includes('hostname-mismatch'), codes.join(','));
    const locations = await custos.run('locations', 'list', '--kind', 'tls', '--json');
    const at = locations
      .json<Array<{ locationKey: string; findings: Array<{ code: string; fingerprintSha256: string }> }>>()
      .find((l) => l.locationKey === `tls:127.0.0.1:${port}:`);
    assert.deepEqual(at?.findings.map((f) => [f.code, f.fingerprintSha256]).sort(), [
      ['hostname-mismatch', renewed.fingerprintSha256],
      ['incomplete-chain', renewed.fingerprintSha256],
    ]);
  });

  test('bad targets and too-large ranges are usage errors (exit 2) with a stable code', async () => {
    const range = await custos.run('scan', 'tls', '127.0.0.0/8');
    assert.equal(range.code, 2);
    assert.match(
      range.stderr,
      /^custos: CUSTOS_SCAN_RANGE_TOO_LARGE: range 127\.0\.0\.0\/8 holds 16,777,216 addresses/,
    );
    const bad = await custos.run('scan', 'tls', 'not a host');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /CUSTOS_INVALID_ARGUMENT/);
    const none = await custos.run('scan', 'tls');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /CUSTOS_USAGE: scan tls: no target given/);
    const help = await custos.run('scan', 'tls', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:\n {2}\$ custos scan tls/);
  });

  test('an address with no route is unreachable, not refused, in the table and in --json', async () => {
    // 2001:db8::/32 is for documentation (RFC 3849): a host with no IPv6 route answers EHOSTUNREACH or ENETUNREACH.
    const scan = await custos.run('scan', 'tls', '[2001:db8::1]:443', '--timeout', '5s');
    assert.equal(scan.code, 0, scan.stderr);
    assert.match(
      scan.stdout,
      /^\[2001:db8::1\]:443 +unreachable +- +the address is unreachable from here \(E(HOST|NET)UNREACH\)$/m,
    );
    assert.match(scan.stdout, /1 failed \(1 unreachable\)/);
    const json = await custos.run('scan', 'tls', '[2001:db8::1]:443', '--timeout', '5s', '--json');
    assert.deepEqual(
      json.json<ScanJson>().results.map((r) => r.code),
      ['unreachable'],
    );
  });
});
