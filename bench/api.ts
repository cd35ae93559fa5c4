/**
 * bench/api: the HTTP API of `custos serve` beside `cfssl serve` (Debian's golang-cfssl), same machine, same run.
 *
 *   - Issuance over HTTP from CSRs, 16 concurrent keep-alive clients: Custos's `POST /v1/certificates/issue` (bearer
 *     token with the issue scope; every certificate checked, linted, persisted with its inventory entry and audit
 *     event in SQLite) beside cfssl's `POST /api/v1/cfssl/sign` (no database, no auth) signing the same P-256 CSRs
 *     with a P-256 CA it made with `cfssl gencert -initca`. Each server runs in its own process.
 *   - OCSP responses per second over HTTP (`POST /ocsp`, 16 clients) for the certificates just issued.
 *
 *   npm run bench -- api          (node dist/bench/api.js [--count 4000] [--clients 16] [--ocsp 20000])
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { composeDependencies, openRuntime } from '../src/compose/runtime.js';
import { createApiToken } from '../src/core/auth/api-tokens.js';
import { nodeSigner } from '../src/connectors/crypto/node-signer.js';
import { pemBlock } from '../src/pki/formats/pem-writer.js';
import { generateCsr } from '../src/pki/x509/generate/csr.js';
import { issuerIdentity } from '../src/pki/x509/generate/issuer-identity.js';
import { ocspRequest } from './support/ocsp-request.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '4000' },
    clients: { type: 'string', default: '16' },
    ocsp: { type: 'string', default: '20000' },
  },
});
const COUNT = Number(values.count);
const CLIENTS = Number(values.clients);
const OCSP_REQUESTS = Number(values.ocsp);
const CUSTOS = resolve('bin/custos');

const dir = await mkdtemp(join(tmpdir(), 'custos-bench-api-'));
const children: ChildProcess[] = [];

/** Starts `custos serve` and resolves with its process and the URL it prints. */
function startCustos(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CUSTOS, ...args], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`custos serve did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const url = /^listening: (\S+)$/m.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData).resume();
      child.stderr?.off('data', onData).resume();
      resolveUrl({ child, url });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`custos serve exited (${code}):\n${output}`));
    });
  });
}

/** Resolves once something accepts connections on 127.0.0.1:port (cfssl logs nothing at warning level). */
async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const up = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (up) return;
    await wait(100);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

interface Run {
  rate: number;
  p50: number;
  p99: number;
  failed: number;
  /** The server process's CPU time per request (user + system), when /proc tells it. */
  cpuMs: number | null;
}

/** A process's CPU time so far (user + system, ms) from /proc/PID/stat; null where there is no /proc. */
function cpuTimeMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** `total` requests from `clients` concurrent keep-alive clients; `send(i)` makes request i and says if it worked. */
async function load(
  server: ChildProcess,
  total: number,
  clients: number,
  send: (i: number) => Promise<boolean>,
): Promise<Run> {
  const cpu0 = cpuTimeMs(server.pid);
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const client = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      if (!(await send(i))) failed += 1;
      latencies.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const ms = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const cpu1 = cpuTimeMs(server.pid);
  const cpuMs = cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / total;
  return { rate: (total / ms) * 1000, p50: at(0.5), p99: at(0.99), failed, cpuMs };
}

const line = (name: string, r: Run): string =>
  `${name.padEnd(44)} ${Math.round(r.rate).toLocaleString('en').padStart(7)}/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms${r.cpuMs === null ? '' : `   server CPU ${r.cpuMs.toFixed(2)} ms/request`}${r.failed > 0 ? `   (${r.failed} failed)` : ''}`;

try {
  // 256 P-256 CSRs with their own keys, sent round robin to both servers.
  const csrs: string[] = [];
  for (let i = 0; i < 256; i++) {
    const signer = nodeSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const der = await generateCsr(
      {
        subject: [[{ type: 'CN', value: `svc-${i}.corp.example` }]],
        subjectAltNames: [{ dns: `svc-${i}.corp.example` }],
      },
      signer,
    );
    csrs.push(pemBlock('CERTIFICATE REQUEST', der));
  }

  // Custos: a data directory with its CA and an issue token, then `custos serve` in its own process.
  const dataDir = join(dir, 'custos');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
  const init = spawnSync(process.execPath, [CUSTOS, '--data-dir', dataDir, 'ca', 'init'], { env });
  if (init.status !== 0) throw new Error(`custos ca init failed: ${init.stderr.toString()}`);
  const rt = await openRuntime(
    await composeDependencies({
      surface: 'cli',
      flags: [{ key: 'dataDir', flag: '--data-dir', value: dataDir }],
      env: {},
      cwd: dataDir,
    }),
  );
  const { token } = await createApiToken({ ...rt, actor: 'bench' }, { scopes: ['issue'] });
  await rt.store.close();
  const custosServer = await startCustos(
    ['--data-dir', dataDir, '--log-level', 'warn', 'serve', '--listen', '127.0.0.1:0', '--no-workers'],
    env,
  );
  const custosUrl = custosServer.url;
  const issued: Array<{ serialNumber: string; chain: string }> = [];
  const issue = async (i: number): Promise<boolean> => {
    const res = await fetch(`${custosUrl}/v1/certificates/issue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ csr: csrs[i % csrs.length] }),
    });
    const body = (await res.json()) as { serialNumber: string; chain: string };
    if (res.status !== 201) return false;
    if (issued.length < 1000) issued.push(body);
    return true;
  };

  // cfssl: a P-256 CA of its own, `cfssl serve` signing with a 24h server profile.
  let cfssl: Run | string;
  if (spawnSync('cfssl', ['version']).status !== 0) cfssl = 'not installed (apt-get install golang-cfssl)';
  else {
    await writeFile(
      join(dir, 'ca-csr.json'),
      JSON.stringify({ CN: 'cfssl bench CA', key: { algo: 'ecdsa', size: 256 } }),
    );
    const gen = spawnSync('cfssl', ['gencert', '-initca', 'ca-csr.json'], { cwd: dir });
    const ca = JSON.parse(gen.stdout.toString()) as { cert: string; key: string };
    await writeFile(join(dir, 'ca.pem'), ca.cert);
    await writeFile(join(dir, 'ca-key.pem'), ca.key, { mode: 0o600 });
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        signing: { default: { expiry: '24h', usages: ['digital signature', 'server auth'] } },
      }),
    );
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn(
      'cfssl',
      [
        'serve',
        '-loglevel',
        '2',
        '-address',
        '127.0.0.1',
        '-port',
        String(port),
        '-ca',
        'ca.pem',
        '-ca-key',
        'ca-key.pem',
        '-config',
        'config.json',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    children.push(server);
    await untilListening(port);
    const sign = async (i: number): Promise<boolean> => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/cfssl/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ certificate_request: csrs[i % csrs.length] }),
      });
      const body = (await res.json()) as { success: boolean };
      return res.status === 200 && body.success;
    };
    await load(server, 200, CLIENTS, sign); // warm-up
    cfssl = await load(server, COUNT, CLIENTS, sign);
  }
  await load(custosServer.child, 200, CLIENTS, issue); // warm-up
  const custos = await load(custosServer.child, COUNT, CLIENTS, issue);

  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]?.toFixed(2)}; ` +
      `${COUNT} issuances per server from 256 P-256 CSRs, ${CLIENTS} keep-alive clients`,
  );
  console.log(line('custos  POST /v1/certificates/issue', custos));
  if (typeof cfssl === 'string') console.log(`cfssl   POST /api/v1/cfssl/sign              ${cfssl}`);
  else {
    console.log(line('cfssl   POST /api/v1/cfssl/sign', cfssl));
    console.log(`custos / cfssl issuance rate: ${(custos.rate / cfssl.rate).toFixed(2)}x`);
  }

  // OCSP over HTTP for the serials just issued (the issuing CA is the first certificate of each answer's chain).
  const chainDer = new Uint8Array(
    Buffer.from(issued[0]!.chain.split('-----')[2]!.replace(/\s+/g, ''), 'base64'),
  );
  const issuer = issuerIdentity(chainDer);
  const requests = issued.map((c) => ocspRequest(issuer, new Uint8Array(Buffer.from(c.serialNumber, 'hex'))));
  const ask = async (i: number): Promise<boolean> => {
    const res = await fetch(`${custosUrl}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: requests[i % requests.length],
    });
    await res.arrayBuffer();
    return res.status === 200;
  };
  await load(custosServer.child, requests.length, CLIENTS, ask); // the first answer for each serial is signed, later ones cached
  console.log(
    line(
      `custos  POST /ocsp (${requests.length} serials, cached)`,
      await load(custosServer.child, OCSP_REQUESTS, CLIENTS, ask),
    ),
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve())),
  );
  await rm(dir, { recursive: true, force: true });
}
