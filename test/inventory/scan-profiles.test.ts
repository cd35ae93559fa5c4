/**
 * Issue 9, "scans remember their settings": named scan profiles in custos.yaml (targets, ports, SNI names, STARTTLS,
 * trust anchors, paths, passwords by environment variable name) run by `custos scan --profile NAME` and `custos
 * scan`, through the real CLI against node:tls servers and an SMTP STARTTLS server on 127.0.0.1 and a real PKCS#12
 * file, run twice, on SQLite and PostgreSQL.
 * With --server, the same command runs the profiles of the server's configuration on the server (POST /v1/scans
 * {"kind":"profile"}), its passwords read from the server's environment, and prints what the local run prints.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { aChain, withDnsNames, withSubject, type BuiltCertificate } from '../support/certificates.js';
import { aCustos, runCustos, type CliResult } from '../support/cli.js';
import { aServer } from '../support/server.js';
import { DIALECTS } from '../store/dialects.js';
import { smtpServer, tlsServer, type Running } from '../scan-tls/servers.js';

interface ProfilesJson {
  profiles: Array<{
    name: string;
    tls?: { endpoints: number; served: number; trusted: number; new: number };
    files?: { files: number; certificates: number; unchanged: number; errors: Array<{ code: string }> };
  }>;
}

interface Listed {
  fingerprintSha256: string;
  findings: Array<{ code: string }>;
  locations: Array<{ kind: string; sni?: string | null; path?: string; port?: number }>;
}

for (const dialect of DIALECTS) {
  describe(`scan profiles (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let web: { root: BuiltCertificate; intermediate: BuiltCertificate; leaf: BuiltCertificate };
    let stored: { leaf: BuiltCertificate };
    let server: Running;
    let config: string;

    before(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'custos-profiles-')));
      web = await aChain(withSubject('CN=web.corp.test'), withDnsNames('web.corp.test'));
      stored = await aChain(withSubject('CN=keystore.corp.test'), withDnsNames('keystore.corp.test'));
      await writeFile(join(dir, 'root.pem'), web.root.pem);
      await mkdir(join(dir, 'certs'));
      await writeFile(join(dir, 'leaf.key'), stored.leaf.privateKeyPem);
      await writeFile(join(dir, 'leaf.crt'), stored.leaf.pem);
      await promisify(execFile)('openssl', [
        'pkcs12',
        '-export',
        '-in',
        join(dir, 'leaf.crt'),
        '-inkey',
        join(dir, 'leaf.key'),
        '-passout',
        'pass:s3cret',
        '-out',
        join(dir, 'certs', 'store.p12'),
      ]);
      server = await tlsServer({ key: web.leaf, chain: [web.leaf, web.intermediate] });
      config = join(dir, 'custos.yaml');
      await writeFile(
        config,
        [
          'scan:',
          '  profiles:',
          '    - name: web',
          `      targets: ["127.0.0.1:${server.port}"]`,
          '      sni: [web.corp.test]',
          `      trust: [${join(dir, 'root.pem')}]`,
          '    - name: keystores',
          `      paths: [${join(dir, 'certs')}]`,
          '      passwordsFromEnv: [KEYSTORE_PASSWORDS]',
          '',
        ].join('\n'),
      );
    });
    after(async () => {
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('runs one profile by name, then all, remembering trust, SNI and passwords; twice', async () => {
      const db = await dialect.create();
      const custos = await aCustos(db.options);
      const run = (env: Record<string, string>, ...args: string[]): Promise<CliResult> =>
        runCustos([...custos.stateFlags, '--config', config, ...args], { env });
      try {
        const one = await run({}, 'scan', '--profile', 'web', '--json');
        assert.equal(one.code, 0, one.stderr);
        assert.deepEqual(
          one.json<ProfilesJson>().profiles.map((p) => [p.name, p.tls?.served, p.tls?.trusted, p.files]),
          [['web', 1, 1, undefined]],
        );
        const listed = (await custos.run('inventory', 'list', '--json')).json<Listed[]>();
        const leaf = listed.find((e) => e.fingerprintSha256 === web.leaf.fingerprintSha256);
        assert.deepEqual(
          leaf?.locations.map((l) => l.sni),
          ['web.corp.test'],
        );
        assert.ok(!leaf?.findings.some((f) => f.code === 'untrusted-root'), JSON.stringify(leaf?.findings));

        const noPasswords = await run({}, 'scan');
        assert.equal(noPasswords.code, 2);
        assert.match(noPasswords.stderr, /CUSTOS_USAGE: .*KEYSTORE_PASSWORDS/);
        const unknown = await run({}, 'scan', '--profile', 'nope');
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /CUSTOS_NOT_FOUND: scan: no scan profile "nope" .*web, keystores/);

        for (const round of [1, 2]) {
          const all = await run({ KEYSTORE_PASSWORDS: 'wrong\ns3cret\n' }, 'scan', '--json');
          assert.equal(all.code, 0, all.stderr);
          const [webRun, keystores] = all.json<ProfilesJson>().profiles;
          assert.equal(webRun?.tls?.trusted, 1, `round ${round}`);
          assert.equal(keystores?.files?.errors.length, 0, JSON.stringify(keystores));
          assert.equal(keystores?.files?.unchanged, round === 1 ? 0 : 1);
        }
        const after = (await custos.run('inventory', 'list', '--json')).json<Listed[]>();
        const fromKeystore = after.find((e) => e.fingerprintSha256 === stored.leaf.fingerprintSha256);
        assert.deepEqual(
          fromKeystore?.locations.map((l) => l.path),
          [join(dir, 'certs', 'store.p12')],
        );
        const table = await run({ KEYSTORE_PASSWORDS: 's3cret' }, 'scan');
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, /^profile web:\n {2}tls: 1 endpoint: 1 served a chain \(1 trusted\)/m);
        assert.match(table.stdout, /^profile keystores:\n1 file \(1 unchanged\)/m);
      } finally {
        await custos.cleanup();
        await db.dispose();
      }
    });

    it('ports: a target without a port is scanned on each port listed; starttls: smtp upgrades the connection', async () => {
      const db = await dialect.create();
      const custos = await aCustos(db.options);
      const served = { key: web.leaf, chain: [web.leaf, web.intermediate] };
      const [one, two, mail] = await Promise.all([tlsServer(served), tlsServer(served), smtpServer(served)]);
      const file = join(dir, 'ports-starttls.yaml');
      await writeFile(
        file,
        [
          'scan:',
          '  timeout: 2s',
          '  profiles:',
          '    - name: ports',
          '      targets: [127.0.0.1]',
          `      ports: ${one.port},${two.port}`,
          '      sni: [web.corp.test]',
          `      trust: [${join(dir, 'root.pem')}]`,
          // The same ports as a YAML list of numbers.
          '    - name: ports-list',
          '      targets: [127.0.0.1]',
          `      ports: [${one.port}, ${two.port}]`,
          '      sni: [web.corp.test]',
          `      trust: [${join(dir, 'root.pem')}]`,
          '    - name: mail',
          `      targets: ["127.0.0.1:${mail.port}"]`,
          '      starttls: smtp',
          '      sni: [web.corp.test]',
          `      trust: [${join(dir, 'root.pem')}]`,
          // The same SMTP server without starttls: the probe waits for a TLS answer that never comes.
          '    - name: mail-plain',
          `      targets: ["127.0.0.1:${mail.port}"]`,
          '      sni: [web.corp.test]',
          '',
        ].join('\n'),
      );
      const run = (...args: string[]): Promise<CliResult> =>
        runCustos([...custos.stateFlags, '--config', file, ...args]);
      try {
        const ports = await run('scan', '--profile', 'ports', '--json');
        assert.equal(ports.code, 0, ports.stderr);
        assert.deepEqual(
          ports
            .json<ProfilesJson>()
            .profiles.map((p) => [p.name, p.tls?.endpoints, p.tls?.served, p.tls?.trusted]),
          [['ports', 2, 2, 2]],
        );
        const list = await run('scan', '--profile', 'ports-list', '--json');
        assert.equal(list.code, 0, list.stderr);
        assert.deepEqual(
          list.json<ProfilesJson>().profiles.map((p) => [p.name, p.tls?.endpoints, p.tls?.served]),
          [['ports-list', 2, 2]],
        );
        const locationPorts = async (): Promise<number[]> => {
          const listed = (await custos.run('inventory', 'list', '--json')).json<Listed[]>();
          const leaf = listed.find((e) => e.fingerprintSha256 === web.leaf.fingerprintSha256);
          return (leaf?.locations ?? []).map((l) => l.port ?? 0).sort((a, b) => a - b);
        };
        assert.deepEqual(
          await locationPorts(),
          [one.port, two.port].sort((a, b) => a - b),
        );

        const plain = await run('scan', '--profile', 'mail-plain', '--json');
        assert.equal(plain.code, 0, plain.stderr);
        assert.deepEqual(
          plain.json<ProfilesJson>().profiles.map((p) => [p.tls?.endpoints, p.tls?.served]),
          [[1, 0]],
        );
        const upgraded = await run('scan', '--profile', 'mail', '--json');
        assert.equal(upgraded.code, 0, upgraded.stderr);
        assert.deepEqual(
          upgraded
            .json<ProfilesJson>()
            .profiles.map((p) => [p.tls?.endpoints, p.tls?.served, p.tls?.trusted]),
          [[1, 1, 1]],
        );
        assert.deepEqual(
          await locationPorts(),
          [one.port, two.port, mail.port].sort((a, b) => a - b),
        );
        const table = await run('scan', '--profile', 'mail');
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, /^profile mail:\n {2}tls: 1 endpoint: 1 served a chain \(1 trusted\)/m);
      } finally {
        await Promise.all([one.close(), two.close(), mail.close()]);
        await custos.cleanup();
        await db.dispose();
      }
    });

    it('with --server, runs the profiles of the server configuration on the server, with its passwords', async () => {
      const db = await dialect.create();
      const custos = await aCustos(db.options);
      const client = await mkdtemp(join(tmpdir(), 'custos-profiles-client-'));
      const server = await aServer([...custos.stateFlags, '--config', config], {
        env: { KEYSTORE_PASSWORDS: 's3cret' },
        timeoutMs: 60_000,
      });
      try {
        const made = await runCustos([
          ...custos.stateFlags,
          'token',
          'create',
          '--scopes',
          'write',
          '--json',
        ]);
        assert.equal(made.code, 0, made.stderr);
        const remote = (...args: string[]) =>
          runCustos(args, {
            cwd: client,
            env: { CUSTOS_SERVER: server.url, CUSTOS_TOKEN: made.json<{ token: string }>().token },
            timeoutMs: 120_000,
          });
        // The client has neither the configuration nor the passwords: only the profile names are sent.
        for (const round of [1, 2]) {
          const all = await remote('scan', '--json');
          assert.equal(all.code, 0, all.stderr);
          const runs = all.json<ProfilesJson>().profiles;
          assert.deepEqual(
            runs.map((p) => p.name),
            ['web', 'keystores'],
          );
          assert.equal(runs[0]?.tls?.trusted, 1, `round ${round}`);
          assert.equal(runs[1]?.files?.certificates, 1, JSON.stringify(runs[1]));
          assert.equal(runs[1]?.files?.errors.length, 0, JSON.stringify(runs[1]));
        }
        const one = await remote('scan', '--profile', 'web');
        assert.equal(one.code, 0, one.stderr);
        assert.match(one.stdout, /^profile web:\n {2}tls: 1 endpoint: 1 served a chain \(1 trusted\)/m);
        const unknown = await remote('scan', '--profile', 'nope');
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /CUSTOS_NOT_FOUND: scan: no scan profile "nope"/);
        const listed = (await runCustos([...custos.stateFlags, 'inventory', 'list', '--json'])).json<
          Listed[]
        >();
        assert.ok(listed.some((e) => e.fingerprintSha256 === stored.leaf.fingerprintSha256));
      } finally {
        await server.stop();
        await rm(client, { recursive: true, force: true });
        await custos.cleanup();
        await db.dispose();
      }
    });
  });
}
