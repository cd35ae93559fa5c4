/**
 * bench/scan-tls: how fast the TLS scanner reads endpoints, next to bare node:tls handshakes, and whether its
 * memory stays flat over a large, mostly refused scan.
 *
 *   npx tsx bench/scan-tls.ts [--endpoints 200] [--passes 10] [--rounds 3] [--concurrency 64]
 *                             [--refused 100000] [--refused-seconds 180]
 *   node dist/bench/scan-tls.js
 *
 * 1. A child process stands up `endpoints` node:tls servers on 127.0.0.1, each with its own certificate and chain
 *    (ECDSA P-256 and RSA 2048 leaves under four CAs; leaf alone, leaf + intermediate, leaf + intermediate +
 *    root), so the servers' handshake work runs on another core than the client's.
 * 2. This process connects to every endpoint `passes` times per round, `concurrency` connections in flight:
 *    bare `tls.connect` (secureConnect, then destroy) and the scanner's prober through the bounded runner (the
 *    chain read from the Certificate message, every result checked), alternating for `rounds` rounds; the best
 *    round of each is printed, and the scanner's share of the bare rate (aim: at least 80%).
 * 3. The scan-tls use case over the same endpoints, each with its name as SNI (one round): path validation
 *    against the four roots and a SQLite store, what a real `custos scan tls` adds on top of the prober.
 * 4. Memory: the use case over `refused` endpoints in 127.1.0.0/16 and 127.2.0.0/16 on a closed port — loopback
 *    only — with RSS before, at its highest and after, and the heap after a GC at every tenth of the scan;
 *    stopped after `refused-seconds`.
 *
 * Figures on a shared machine vary with its load (printed first); the CPU-time column is the steadier one.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect, createServer } from 'node:tls';
import { createTlsProber } from '../src/connectors/scanner-tls/tls-prober.js';
import { systemClock } from '../src/connectors/system/system-clock.js';
import type { TlsEndpoint } from '../src/core/ports/tls-prober.js';
import { boundedMap } from '../src/core/scan/bounded-map.js';
import { parseTarget, planTlsScan } from '../src/core/scan/tls-targets.js';
import { scanTls } from '../src/core/scan-tls.js';
import { openStore } from '../src/store/open-store.js';
import {
  aCertificate,
  asCA,
  issuedBy,
  validFor,
  withDnsNames,
  withFreshKey,
  withKey,
  withSubject,
  type BuiltCertificate,
} from '../test/support/certificates.js';

interface ServedPem {
  key: string;
  cert: string;
}

/** The child: serve each chain on its own port and report the ports. */
async function serve(chains: ServedPem[]): Promise<void> {
  const ports: number[] = [];
  for (const chain of chains) {
    const server = createServer(chain);
    server.on('tlsClientError', () => undefined);
    server.on('secureConnection', (socket) => {
      socket.on('error', () => undefined);
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 511, resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  process.send?.({ ports });
}

interface Built {
  roots: Uint8Array[];
  endpoints: Array<{ served: ServedPem; leaf: BuiltCertificate }>;
}

async function buildChains(count: number): Promise<Built> {
  const cas: Array<{ root: BuiltCertificate; intermediate: BuiltCertificate }> = [];
  for (let i = 0; i < 4; i++) {
    const root = await aCertificate(
      withSubject(`CN=Bench Root ${i}`),
      asCA(),
      validFor(3650),
      withFreshKey(),
    );
    const intermediate = await aCertificate(
      withSubject(`CN=Bench Intermediate ${i}`),
      asCA({ pathLength: 0 }),
      withFreshKey(),
      issuedBy(root),
    );
    cas.push({ root, intermediate });
  }
  const out: Array<{ served: ServedPem; leaf: BuiltCertificate }> = [];
  for (let i = 0; i < count; i++) {
    const { root, intermediate } = cas[i % cas.length] as (typeof cas)[number];
    const name = `endpoint-${i}.bench.example`;
    const leaf = await aCertificate(
      withSubject(`CN=${name}`),
      withDnsNames(name),
      i % 4 === 3 ? withKey('RSA', 2048) : withKey('ECDSA', 256),
      issuedBy(intermediate),
    );
    const chain = i % 3 === 0 ? [leaf] : i % 3 === 1 ? [leaf, intermediate] : [leaf, intermediate, root];
    out.push({ served: { key: leaf.privateKeyPem, cert: chain.map((c) => c.pem).join('') }, leaf });
  }
  return { roots: cas.map((ca) => ca.root.der), endpoints: out };
}

/** Handshakes per second of wall time, and per second of this process's CPU time (steadier on a busy machine). */
interface Rate {
  wall: number;
  cpu: number;
}

async function measure(count: () => Promise<number>): Promise<Rate> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const n = await count();
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { wall: n / wall, cpu: n / ((used.user + used.system) / 1e6) };
}

/** Bare handshakes: `concurrency` workers, each connecting, waiting for secureConnect, destroying. */
async function bareHandshakes(ports: number[], passes: number, concurrency: number): Promise<number> {
  const total = ports.length * passes;
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const port = ports[next++ % ports.length] as number;
      await new Promise<void>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          socket.destroy();
          resolve();
        });
        socket.on('error', () => {
          failures++;
          socket.destroy();
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failures > 0) throw new Error(`${failures} bare handshakes failed`);
  return total;
}

function* endpointsFor(ports: number[], passes: number): Generator<TlsEndpoint> {
  for (let pass = 0; pass < passes; pass++) {
    for (const port of ports) yield { host: '127.0.0.1', port, sni: null, starttls: null };
  }
}

/** The scanner's prober through the bounded runner; every result must be the expected leaf. */
async function proberRate(
  ports: number[],
  leaves: string[],
  passes: number,
  concurrency: number,
): Promise<number> {
  const prober = createTlsProber();
  const byPort = new Map(ports.map((p, i) => [p, leaves[i]]));
  const { createHash } = await import('node:crypto');
  let count = 0;
  for await (const result of boundedMap(endpointsFor(ports, passes), concurrency, (e) => prober.probe(e))) {
    if (!result.ok) throw new Error(`probe failed: ${result.code} ${result.message}`);
    const leaf = createHash('sha256')
      .update(result.chain[0] as Uint8Array)
      .digest('hex');
    if (leaf !== byPort.get(result.endpoint.port)) throw new Error('the prober read another leaf');
    count++;
  }
  return count;
}

/** Node's gc(), made callable without the --expose-gc flag, for settled heap figures. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const rate = (n: number): string => `${Math.round(n).toLocaleString('en-US')}/s`;

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoints: { type: 'string', default: '200' },
      passes: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '64' },
      refused: { type: 'string', default: '100000' },
      'refused-seconds': { type: 'string', default: '180' },
    },
  });
  const endpoints = Number(values.endpoints);
  const passes = Number(values.passes);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  const refused = Number(values.refused);

  console.log(
    `bench/scan-tls on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ` +
      `OpenSSL ${process.versions.openssl}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const { roots, endpoints: built } = await buildChains(endpoints);
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      child.once('message', (m: { ports: number[] }) => resolve(m.ports));
      child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
      child.send(built.map((b) => b.served));
    });
    const leaves = built.map((b) => b.leaf.fingerprintSha256);
    console.log(
      `${endpoints} endpoints in a child process; ${passes} passes over them per round, ${concurrency} in flight`,
    );

    // Warm-up, then alternate so both see the same machine state.
    await bareHandshakes(ports, 1, concurrency);
    await proberRate(ports, leaves, 1, concurrency);
    const bare: Rate[] = [];
    const scanner: Rate[] = [];
    for (let round = 0; round < rounds; round++) {
      bare.push(await measure(() => bareHandshakes(ports, passes, concurrency)));
      scanner.push(await measure(() => proberRate(ports, leaves, passes, concurrency)));
    }
    const best = (rates: Rate[], key: keyof Rate): number => Math.max(...rates.map((r) => r[key]));
    const share = (key: keyof Rate): string => `${Math.round((100 * best(scanner, key)) / best(bare, key))}%`;
    console.log('                                 wall-clock rate   per client CPU second');
    console.log(
      `  bare tls.connect handshakes    ${rate(best(bare, 'wall')).padStart(12)}   ${rate(best(bare, 'cpu')).padStart(12)}   (the raw limit)`,
    );
    console.log(
      `  scanner prober + runner        ${rate(best(scanner, 'wall')).padStart(12)}   ${rate(best(scanner, 'cpu')).padStart(12)}`,
    );
    console.log(
      `  scanner / bare                 ${share('wall').padStart(12)}   ${share('cpu').padStart(12)}   (aim >= 80%)`,
    );

    const dir = await mkdtemp(join(tmpdir(), 'custos-bench-scan-tls-'));
    const store = await openStore({ dataDir: dir });
    try {
      // Each endpoint with its own name as SNI, as a scan with --sni would: the host name check passes.
      const named = ports.map((port, i): TlsEndpoint => ({
        host: '127.0.0.1',
        port,
        sni: `endpoint-${i}.bench.example`,
        starttls: null,
      }));
      const start = performance.now();
      const summary = await scanTls(
        { store, clock: systemClock, prober: createTlsProber() },
        {
          endpoints: named,
          concurrency,
          trustAnchors: roots,
          actor: 'bench',
        },
      );
      const seconds = (performance.now() - start) / 1000;
      console.log(
        `  scan-tls use case (path validation + SQLite, first scan)  ${rate(endpoints / seconds)}  ` +
          `(${summary.served} served, ${summary.trusted} trusted, ${summary.certificates} certificates` +
          `${summary.failed > 0 ? `; ${JSON.stringify(summary.failures)} on this busy machine` : ''})`,
      );

      const port = await freePort();
      const plan = planTlsScan([parseTarget('127.1.0.0/16'), parseTarget('127.2.0.0/16')], { ports: [port] });
      const limit = Math.min(refused, plan.total);
      const deadline = performance.now() + Number(values['refused-seconds']) * 1000;
      function* loopback(): Generator<TlsEndpoint> {
        let n = 0;
        for (const e of plan.endpoints()) {
          if (n++ >= limit || performance.now() > deadline) return;
          if (!e.host.startsWith('127.')) throw new Error(`not loopback: ${e.host}`);
          yield e;
        }
      }
      const gc = exposeGc();
      gc();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      const settledHeap: string[] = [];
      let seen = 0;
      const tenth = Math.max(1, Math.floor(limit / 10));
      const started = performance.now();
      const memory = await scanTls(
        { store, clock: systemClock, prober: createTlsProber({ timeoutMs: 2_000 }) },
        {
          endpoints: loopback(),
          concurrency,
          trustAnchors: [],
          actor: 'bench',
          onResult: () => {
            seen++;
            if (seen % 1000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
            if (seen % tenth === 0) {
              gc();
              settledHeap.push(mb(process.memoryUsage().heapUsed));
            }
          },
        },
      );
      const took = (performance.now() - started) / 1000;
      gc();
      const afterwards = process.memoryUsage();
      console.log(
        `  ${memory.endpoints.toLocaleString('en-US')} endpoints in 127.1.0.0/16 + 127.2.0.0/16 port ${port} in ${took.toFixed(1)} s ` +
          `(${rate(memory.endpoints / took)}; ${JSON.stringify(memory.failures)})`,
      );
      console.log(
        `  memory: RSS ${mb(before.rss)} before, ${mb(peakRss)} at most, ${mb(afterwards.rss)} after; ` +
          `heap after GC ${mb(before.heapUsed)} before, then at each tenth: ${settledHeap.join(', ')}`,
      );
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    child.kill();
  }
}

if (process.argv.includes('--serve')) {
  process.once('message', (chains: ServedPem[]) => void serve(chains));
} else {
  await main();
}
