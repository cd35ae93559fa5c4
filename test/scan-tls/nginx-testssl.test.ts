/**
 * `custos scan tls` against a real nginx on 127.0.0.1, its verdicts compared with what `openssl s_client` and
 * testssl.sh say about the same endpoints: a valid chain, a missing intermediate, intermediates in the wrong
 * order, an expired leaf, a self-signed leaf, and two SNI names with their own certificates on one port.
 *
 * nginx cannot serve an intermediate first (it takes the first certificate of `ssl_certificate` as the one its
 * key belongs to), so the wrong order is the common real mistake: the leaf, then the intermediates concatenated
 * top-down (root-side CA before the CA that issued the leaf).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  validFor,
  withDnsNames,
  withFreshKey,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';

const NGINX = '/usr/sbin/nginx';

interface Endpoint {
  name: string;
  /** What custos must report, sorted. */
  findings: string[];
  /** Whether custos must call the chain trusted (a valid path for the name, findings or not). */
  trusted: boolean;
  /** The `verify error:num=N` s_client reports when it refuses the chain; undefined when it accepts it. */
  opensslError?: number;
}

type EndpointId = 'valid' | 'leafOnly' | 'wrongOrder' | 'expired' | 'selfSigned' | 'sniA' | 'sniB';

/** One server block per port, except the SNI port: two names, each with its own certificate. */
const ENDPOINTS: Record<EndpointId, Endpoint> = {
  valid: { name: 'valid.example', findings: [], trusted: true },
  leafOnly: { name: 'leaf-only.example', findings: ['incomplete-chain'], trusted: false, opensslError: 20 },
  wrongOrder: { name: 'wrong-order.example', findings: ['chain-order'], trusted: true },
  expired: { name: 'expired.example', findings: ['expired'], trusted: false, opensslError: 10 },
  selfSigned: {
    name: 'self-signed.example',
    findings: ['self-signed', 'untrusted-root'],
    trusted: false,
    opensslError: 18,
  },
  sniA: { name: 'sni-a.example', findings: [], trusted: true },
  sniB: { name: 'sni-b.example', findings: [], trusted: true },
};

/** A name the valid endpoint's certificate does not cover: nginx serves it the port's only certificate. */
const WRONG_NAME = 'other.example';

/**
 * Where custos and `openssl s_client` are expected to disagree on "trusted", and why. Every other comparison
 * must agree. (chain-order is not here: custos reports it as a warning and still trusts the chain, as s_client
 * does, since clients reorder what was sent.)
 */
const EXPECTED_DIFFERENCES: Array<{
  endpoint: EndpointId;
  sni: string;
  opensslFlags: string;
  reason: string;
}> = [
  {
    endpoint: 'valid',
    sni: WRONG_NAME,
    opensslFlags: 'without -verify_hostname',
    reason:
      's_client checks the host name only when -verify_hostname is given; custos always checks the name ' +
      'connected to (hostname-mismatch)',
  },
];

interface ScanJson {
  results: Array<{
    port: number;
    sni: string | null;
    ok: boolean;
    code?: string;
    tlsVersion?: string;
    chain?: Array<{ fingerprintSha256: string }>;
    findings?: Array<{ code: string }>;
    trusted?: boolean;
  }>;
}

interface Listed {
  fingerprintSha256: string;
  locations: Array<{ kind: string; host?: string; port?: number; sni?: string | null; address?: string }>;
}

/** Ports the OS hands out for port 0, released again for nginx to take. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

interface Run {
  code: number | null;
  timedOut: boolean;
  output: string;
  ms: number;
}

/** Runs a program with stdin closed; past the deadline its whole process group is killed. */
function run(file: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const start = performance.now();
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-(child.pid as number), 'SIGKILL');
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, output, ms: performance.now() - start });
    });
  });
}

/** s_client's verdict: 0 when it accepted the chain, else the number of the first `verify error`. */
async function opensslVerdict(port: number, sni: string, caFile: string, hostname: boolean): Promise<number> {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', sni, '-CAfile', caFile];
  const s = await run(
    'openssl',
    [...args, ...(hostname ? ['-verify_hostname', sni] : []), '-verify_return_error'],
    20_000,
  );
  // A refused chain ends the handshake; its session block still says "Verify return code: 0 (ok)", so the
  // verdict is the first `verify error`, or else a finished handshake with "Verification: OK".
  const error = /verify error:num=(\d+):/.exec(s.output);
  if (error) return Number(error[1]);
  assert.ok(
    s.code === 0 && /^Verification: OK$/m.test(s.output),
    `openssl ${args.join(' ')} gave no verdict:\n${s.output}`,
  );
  return 0;
}

const onPath = (name: string): string | undefined =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, name))
    .find((f) => existsSync(f));

describe(
  'scan tls against nginx, compared with openssl s_client and testssl.sh',
  {
    skip: existsSync(NGINX) ? false : `${NGINX} is not installed (Debian package nginx-light)`,
  },
  () => {
    let dir: string;
    let custos: Custos;
    let nginx: ChildProcess | undefined;
    let rootFile: string;
    const ports = {} as Record<EndpointId, number>;
    const leaves = {} as Record<EndpointId, BuiltCertificate>;
    const scans = new Map<string, ScanJson['results'][number]>();

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-nginx-'));
      custos = await aCustos();
      const root = await aCertificate(
        withSubject('CN=Nginx Test Root, O=Custos Test'),
        asCA(),
        validFor(3650),
        withFreshKey(),
      );
      const intermediate = await aCertificate(
        withSubject('CN=Nginx Test Intermediate, O=Custos Test'),
        asCA({ pathLength: 1 }),
        validFor(1825),
        withFreshKey(),
        issuedBy(root),
      );
      const issuing = await aCertificate(
        withSubject('CN=Nginx Test Issuing CA, O=Custos Test'),
        asCA({ pathLength: 0 }),
        validFor(1825),
        withFreshKey(),
        issuedBy(intermediate),
      );
      const leaf = (id: EndpointId, ...options: Parameters<typeof aCertificate>) =>
        aCertificate(
          withSubject(`CN=${ENDPOINTS[id].name}`),
          withDnsNames(ENDPOINTS[id].name),
          withFreshKey(),
          ...options,
        );
      leaves.valid = await leaf('valid', issuedBy(intermediate));
      leaves.leafOnly = await leaf('leafOnly', issuedBy(intermediate));
      leaves.wrongOrder = await leaf('wrongOrder', issuedBy(issuing));
      leaves.expired = await leaf('expired', issuedBy(intermediate), expiringIn(-2));
      leaves.selfSigned = await leaf('selfSigned');
      leaves.sniA = await leaf('sniA', issuedBy(intermediate));
      leaves.sniB = await leaf('sniB', issuedBy(intermediate));
      const served: Record<EndpointId, BuiltCertificate[]> = {
        valid: [leaves.valid, intermediate],
        leafOnly: [leaves.leafOnly],
        wrongOrder: [leaves.wrongOrder, intermediate, issuing],
        expired: [leaves.expired, intermediate],
        selfSigned: [leaves.selfSigned],
        sniA: [leaves.sniA, intermediate],
        sniB: [leaves.sniB, intermediate],
      };
      rootFile = join(dir, 'root.pem');
      await writeFile(rootFile, root.pem);

      const [valid, leafOnly, wrongOrder, expired, selfSigned, sni] = await freePorts(6);
      Object.assign(ports, { valid, leafOnly, wrongOrder, expired, selfSigned, sniA: sni, sniB: sni });
      const blocks: string[] = [];
      for (const id of Object.keys(ENDPOINTS) as EndpointId[]) {
        await writeFile(join(dir, `${id}.crt`), served[id].map((c) => c.pem).join(''));
        await writeFile(join(dir, `${id}.key`), leaves[id].privateKeyPem, { mode: 0o600 });
        // TLS 1.3 only where testssl.sh runs: its -S run probes every protocol, and this halves its time.
        const protocols = id === 'valid' || id === 'leafOnly' ? 'ssl_protocols TLSv1.3; ' : '';
        blocks.push(
          `  server { listen 127.0.0.1:${ports[id]} ssl; server_name ${ENDPOINTS[id].name}; ${protocols}` +
            `ssl_certificate ${join(dir, `${id}.crt`)}; ssl_certificate_key ${join(dir, `${id}.key`)}; ` +
            `return 200 "${id}\\n"; }`,
        );
      }
      const temp = join(dir, 'temp');
      const conf = join(dir, 'nginx.conf');
      await writeFile(
        conf,
        `worker_processes 1;\nevents { worker_connections 128; }\nhttp {\n  access_log off;\n` +
          ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
            .map((t) => `  ${t}_temp_path ${temp};\n`)
            .join('') +
          `${blocks.join('\n')}\n}\n`,
      );
      const started = spawn(
        NGINX,
        [
          '-p',
          `${dir}/`,
          '-c',
          conf,
          '-g',
          `daemon off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')};`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      nginx = started;
      let stderr = '';
      started.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const deadline = Date.now() + 10_000;
      while (!(await Promise.all([...new Set(Object.values(ports))].map(accepts))).every(Boolean)) {
        const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
        assert.ok(
          started.exitCode === null && Date.now() < deadline,
          `nginx did not start:\n${stderr}\n${log}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    after(async () => {
      if (nginx && nginx.exitCode === null) {
        const exited = new Promise((resolve) => nginx?.once('exit', resolve));
        nginx.kill('SIGTERM');
        await exited;
      }
      await custos?.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('custos reports exactly the expected findings for each endpoint, and the tls locations', async () => {
      // One scan at a time, the valid chain first: the intermediate it records is what lets custos tell the
      // leaf-only endpoint's missing intermediate (incomplete-chain) from an unknown issuer (untrusted-root).
      for (const id of ['valid', 'leafOnly', 'wrongOrder', 'expired', 'selfSigned'] as const) {
        const scan = await custos.run(
          'scan',
          'tls',
          `127.0.0.1:${ports[id]}`,
          '--sni',
          ENDPOINTS[id].name,
          '--trust',
          rootFile,
          '--json',
        );
        assert.equal(scan.code, 0, scan.stderr);
        const [result, ...more] = scan.json<ScanJson>().results;
        assert.equal(more.length, 0);
        assert.ok(result?.ok, `${id}: ${JSON.stringify(result)}`);
        scans.set(`${id}|${ENDPOINTS[id].name}`, result);
      }
      const sni = await custos.run(
        'scan',
        'tls',
        `127.0.0.1:${ports.sniA}`,
        '--sni',
        ENDPOINTS.sniA.name,
        '--sni',
        ENDPOINTS.sniB.name,
        '--trust',
        rootFile,
        '--json',
      );
      assert.equal(sni.code, 0, sni.stderr);
      for (const result of sni.json<ScanJson>().results) {
        const id = result.sni === ENDPOINTS.sniA.name ? 'sniA' : 'sniB';
        scans.set(`${id}|${result.sni}`, result);
      }
      const wrongName = await custos.run(
        'scan',
        'tls',
        `127.0.0.1:${ports.valid}`,
        '--sni',
        WRONG_NAME,
        '--trust',
        rootFile,
        '--json',
      );
      assert.equal(wrongName.code, 0, wrongName.stderr);
      scans.set(`valid|${WRONG_NAME}`, wrongName.json<ScanJson>().results[0]!);

      const verdicts = Object.fromEntries(
        [...scans].map(([key, r]) => [
          key,
          { codes: [...new Set(r.findings?.map((f) => f.code))].sort(), trusted: r.trusted },
        ]),
      );
      const expected = Object.fromEntries([
        ...(Object.keys(ENDPOINTS) as EndpointId[]).map((id) => [
          `${id}|${ENDPOINTS[id].name}`,
          { codes: ENDPOINTS[id].findings, trusted: ENDPOINTS[id].trusted },
        ]),
        [`valid|${WRONG_NAME}`, { codes: ['hostname-mismatch'], trusted: false }],
      ]);
      assert.deepEqual(verdicts, expected);
      for (const id of Object.keys(ENDPOINTS) as EndpointId[]) {
        const result = scans.get(`${id}|${ENDPOINTS[id].name}`);
        assert.equal(
          result?.chain?.[0]?.fingerprintSha256,
          leaves[id].fingerprintSha256,
          `${id} serves its own leaf`,
        );
      }
      assert.equal(scans.get(`valid|${ENDPOINTS.valid.name}`)?.tlsVersion, 'TLSv1.3');

      const listed = await custos.run('inventory', 'list', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      const entries = listed.json<Listed[]>();
      for (const id of Object.keys(ENDPOINTS) as EndpointId[]) {
        const entry = entries.find((e) => e.fingerprintSha256 === leaves[id].fingerprintSha256);
        const names = id === 'valid' ? [ENDPOINTS.valid.name, WRONG_NAME] : [ENDPOINTS[id].name];
        assert.deepEqual(
          entry?.locations
            .map(({ kind, host, port, sni, address }) => ({ kind, host, port, sni, address }))
            .sort((a, b) => String(a.sni).localeCompare(String(b.sni))),
          names
            .sort()
            .map((sni) => ({ kind: 'tls', host: '127.0.0.1', port: ports[id], sni, address: '127.0.0.1' })),
          `${id}: ${JSON.stringify(entry?.locations)}`,
        );
      }
    });

    test('openssl s_client agrees on every endpoint, except the expected differences', async () => {
      assert.ok(scans.size > 0, 'the custos scans ran');
      const disagreements: string[] = [];
      for (const [key, result] of scans) {
        const [id, sni] = key.split('|') as [EndpointId, string];
        for (const hostname of [true, false]) {
          const error = await opensslVerdict(ports[id], sni, rootFile, hostname);
          if ((error === 0) !== result.trusted) {
            disagreements.push(
              `${id} ${sni} ${hostname ? 'with' : 'without'} -verify_hostname: openssl ${error}, custos trusted=${result.trusted}`,
            );
          }
          if (hostname && sni === ENDPOINTS[id].name)
            assert.equal(error, ENDPOINTS[id].opensslError ?? 0, `${id}: openssl verify error`);
          if (hostname && sni === WRONG_NAME) assert.equal(error, 62, 'openssl: hostname mismatch');
        }
      }
      assert.deepEqual(
        disagreements,
        EXPECTED_DIFFERENCES.map(
          (d) => `${d.endpoint} ${d.sni} ${d.opensslFlags}: openssl 0, custos trusted=false`,
        ),
      );
    });

    const testssl = onPath('testssl') ?? onPath('testssl.sh');
    test(
      'testssl.sh gives the same chain-of-trust verdict for the valid and the leaf-only endpoint',
      {
        skip: testssl ? false : 'testssl.sh is not installed (Debian package testssl.sh)',
      },
      async (t) => {
        assert.ok(scans.size > 0, 'the custos scans ran');
        for (const id of ['valid', 'leafOnly'] as const) {
          const out = join(dir, `testssl-${id}.json`);
          // -S: server defaults, which include the chain of trust; --ssl-native: openssl instead of bash sockets,
          // faster here; --nodns none: no DNS traffic, the target is an address.
          const s = await run(
            testssl as string,
            [
              '--quiet',
              '--color',
              '0',
              '--warnings',
              'batch',
              '--nodns',
              'none',
              '--ssl-native',
              '--add-ca',
              rootFile,
              '-S',
              '--jsonfile',
              out,
              `127.0.0.1:${ports[id]}`,
            ],
            150_000,
          );
          if (s.timedOut) return t.skip(`testssl.sh did not finish within 150 s on this machine (${id})`);
          const json = await readFile(out, 'utf8').catch(() =>
            assert.fail(`testssl.sh wrote no ${out}:\n${s.output}`),
          );
          const findings = JSON.parse(json) as Array<{
            id: string;
            severity: string;
            finding: string;
          }>;
          const trust = findings.find((f) => f.id.startsWith('cert_chain_of_trust'));
          assert.ok(trust, `testssl.sh reported no cert_chain_of_trust:\n${s.output}`);
          t.diagnostic(
            `${id}: testssl.sh ${trust.severity} "${trust.finding}" (${Math.round(s.ms / 1000)} s)`,
          );
          const custosTrusted = scans.get(`${id}|${ENDPOINTS[id].name}`)?.trusted;
          assert.equal(
            trust.severity === 'OK',
            custosTrusted,
            `${id}: testssl.sh says ${trust.severity} "${trust.finding}"`,
          );
        }
      },
    );
  },
);
