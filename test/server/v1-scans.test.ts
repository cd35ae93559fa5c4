/**
 * Scans over `/v1`: a files scan and a TLS scan (a node:tls server on 127.0.0.1) started with POST, queued as
 * `scan.run` jobs, run by the worker the server's background work calls, and read back (progress, status, the
 * results `custos scan --json` prints, the inventory). A real `custos serve --no-workers` leaves a scan queued; the
 * next `custos serve` with workers, on the same data directory, runs it (durable across a restart). Bad targets and
 * missing scopes are refused as problem+json.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { createServer, type Server } from 'node:tls';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { scanProfileDependencies } from '../../src/compose/scan-profiles.js';
import type { Runtime } from '../../src/compose/runtime.js';
import { runScanJobs } from '../../src/core/scan/scan-jobs.js';
import { apiToken, bearer } from '../support/api-token.js';
import { aRuntime, aServer, anApp, type TestApp } from '../support/server.js';

const exec = promisify(execFile);

interface ScanBody {
  id: string;
  status: string;
  progress: { done: number; total: number | null; certificates: number };
  result: unknown;
  error: { code: string } | null;
}

/** What the server's `scans` background task does. */
const work = (rt: Runtime) =>
  runScanJobs(
    { ...scanProfileDependencies(rt), random: rt.random, concurrency: 4 },
    { worker: 'test-worker' },
  );

describe('/v1/scans', () => {
  let t: TestApp;
  let dir: string;
  let writer: Record<string, string>;
  let reader: Record<string, string>;
  let server: Server;
  let port: number;
  let certPem: string;
  let fingerprint: string;

  before(async () => {
    t = await anApp();
    dir = await mkdtemp(join(tmpdir(), 'custos-v1-scans-'));
    await mkdir(join(dir, 'tree', 'nested'), { recursive: true });
    await exec(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '30',
        '-keyout',
        'tree/nested/web.key',
        '-out',
        'tree/nested/web.pem',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { cwd: dir },
    );
    certPem = await readFile(join(dir, 'tree/nested/web.pem'), 'utf8');
    const out = await exec(
      'openssl',
      ['x509', '-in', 'tree/nested/web.pem', '-noout', '-fingerprint', '-sha256'],
      {
        cwd: dir,
      },
    );
    fingerprint = out.stdout.split('=')[1]!.trim().replace(/:/g, '').toLowerCase();
    server = createServer(
      { key: await readFile(join(dir, 'tree/nested/web.key')), cert: certPem },
      (socket) => socket.end(),
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    writer = bearer(await apiToken(t.rt, { scopes: ['write'] }));
    reader = bearer(await apiToken(t.rt, { scopes: ['read'] }));
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (id: string): Promise<ScanBody> => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/scans/${id}`, headers: reader });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<ScanBody>();
  };

  it('scans a file tree as a job and answers what `scan files --json` prints', async () => {
    const started = await t.app.inject({
      method: 'POST',
      url: '/v1/scans',
      headers: writer,
      payload: { kind: 'files', targets: [join(dir, 'tree')] },
    });
    assert.equal(started.statusCode, 202, started.body);
    const { id, status } = started.json<ScanBody>();
    assert.equal(status, 'queued');
    assert.equal(started.headers.location, `/v1/scans/${id}`);
    assert.equal((await get(id)).status, 'queued');

    const done = await work(t.rt);
    assert.equal(done.completed, 1);
    const scan = await get(id);
    assert.equal(scan.status, 'succeeded');
    const result = scan.result as { files: number; certificates: number; new: number; errors: unknown[] };
    assert.deepEqual(
      { files: result.files, certificates: result.certificates, new: result.new, errors: result.errors },
      { files: 2, certificates: 1, new: 1, errors: [] },
    );
    assert.equal(scan.progress.certificates, 1);
    const entry = (await t.rt.store.inventory.listCertificates({})).find(
      (e) => e.certificate.fingerprintSha256 === fingerprint,
    );
    assert.ok(entry, 'the scanned certificate is in the inventory');
  });

  it('scans a TLS endpoint with a trusted root and answers what `scan tls --json` prints', async () => {
    const started = await t.app.inject({
      method: 'POST',
      url: '/v1/scans',
      headers: writer,
      payload: { kind: 'tls', targets: [`127.0.0.1:${port}`], sni: ['localhost'], trust: [certPem] },
    });
    assert.equal(started.statusCode, 202, started.body);
    const { id, progress } = started.json<ScanBody>();
    assert.deepEqual(progress, { done: 0, total: 1, certificates: 0 });
    await work(t.rt);
    const scan = await get(id);
    assert.equal(scan.status, 'succeeded', JSON.stringify(scan.error));
    const result = scan.result as {
      results: Array<{ ok: boolean; port: number; chain: Array<{ fingerprintSha256: string }> }>;
      summary: { endpoints: number; served: number; trusted: number };
    };
    assert.equal(result.results.length, 1);
    assert.equal(result.results[0]?.ok, true);
    assert.equal(result.results[0]?.chain[0]?.fingerprintSha256, fingerprint);
    assert.deepEqual([result.summary.endpoints, result.summary.served, result.summary.trusted], [1, 1, 1]);
    const list = await t.app.inject({ method: 'GET', url: '/v1/scans', headers: reader });
    assert.deepEqual(
      list.json<{ items: Array<{ id: string; status: string }> }>().items.map((s) => s.status),
      ['succeeded', 'succeeded'],
    );
    assert.equal(list.json<{ items: Array<{ id: string }> }>().items[0]?.id, id);
  });

  it('ends failed with the CLI code when a path does not exist', async () => {
    const started = await t.app.inject({
      method: 'POST',
      url: '/v1/scans',
      headers: writer,
      payload: { kind: 'files', targets: [join(dir, 'missing')] },
    });
    await work(t.rt);
    const scan = await get(started.json<ScanBody>().id);
    assert.equal(scan.status, 'failed');
    assert.equal(scan.error?.code, 'CUSTOS_FILE_NOT_FOUND');
  });

  it('refuses bad targets and tokens without the write scope, as problem+json', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/scans',
      headers: writer,
      payload: { kind: 'tls', targets: ['not a host!'] },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ code: string }>().code, 'CUSTOS_INVALID_ARGUMENT');
    const big = await t.app.inject({
      method: 'POST',
      url: '/v1/scans',
      headers: writer,
      payload: { kind: 'tls', targets: ['10.0.0.0/8'] },
    });
    assert.equal(big.json<{ code: string }>().code, 'CUSTOS_SCAN_RANGE_TOO_LARGE');
    const readOnly = await t.app.inject({
      method: 'POST',
      url: '/v1/scans',
      headers: reader,
      payload: { kind: 'files', targets: [dir] },
    });
    assert.equal(readOnly.statusCode, 403);
    assert.equal(readOnly.json<{ code: string }>().code, 'CUSTOS_FORBIDDEN');
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/v1/scans/scn_0000000000000000',
      headers: reader,
    });
    assert.equal(unknown.statusCode, 404);
  });

  it('outlives a restart: queued by a --no-workers server, run by the next one', async () => {
    const dataDir = join(dir, 'served');
    const rt = await aRuntime(dataDir);
    const token = bearer(await apiToken(rt, { scopes: ['write'] }));
    await rt.store.close();
    const first = await aServer(['--data-dir', dataDir, '--no-workers'], { timeoutMs: 60_000 });
    let id: string;
    try {
      const res = await fetch(`${first.url}/v1/scans`, {
        method: 'POST',
        headers: { ...token, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'files', targets: [join(dir, 'tree')] }),
      });
      assert.equal(res.status, 202);
      id = ((await res.json()) as ScanBody).id;
      await wait(1_500);
      const still = (await (
        await fetch(`${first.url}/v1/scans/${id}`, { headers: token })
      ).json()) as ScanBody;
      assert.equal(still.status, 'queued');
    } finally {
      await first.stop();
    }
    const second = await aServer(['--data-dir', dataDir], { timeoutMs: 60_000 });
    try {
      let scan: ScanBody | undefined;
      for (let i = 0; i < 300 && scan?.status !== 'succeeded'; i++) {
        await wait(200);
        scan = (await (await fetch(`${second.url}/v1/scans/${id}`, { headers: token })).json()) as ScanBody;
      }
      assert.equal(scan?.status, 'succeeded', JSON.stringify(scan));
      assert.equal((scan?.result as { certificates: number }).certificates, 1);
    } finally {
      await second.stop();
    }
  });
});
