/**
 * Trust bundles as a deployable artefact (issue 11), through the real CLI: a TrustBundle applied with `custos apply
 * -f` is written by `managed reconcile` to its file destination, equal to `custos ca bundle`, and `openssl verify`
 * accepts an issued certificate against it; a second run (and two runs at once) writes, reloads and audits nothing;
 * `ca rotate` puts the new CA in the delivered file at the next run, the old file kept as .previous; a destination
 * that cannot be written, and a reload that fails, are `failed` with exit 1 and `bundle.deploy-failed` audited, and
 * stay reported failed while they wait for their retry; a reload owed (a failed one, or a run killed before it) is
 * run by the next delivery.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { aCustos, type Custos } from '../support/cli.js';

const run = promisify(execFile);

interface BundleView {
  name: string;
  state: string;
  sha256: string | null;
  certificates: number;
  destinations: Array<{ target: string; ok: boolean; changed: boolean; error: string | null }>;
  error: string | null;
}

const manifest = (name: string, file: Record<string, unknown>, ca?: string): string =>
  JSON.stringify({
    apiVersion: 'custos/v1',
    kind: 'TrustBundle',
    metadata: { name },
    spec: { ...(ca === undefined ? {} : { ca }), destinations: [{ file }] },
  });

describe('TrustBundle: the trust bundle delivered by the reconciler', () => {
  let dir: string;
  let custos: Custos;
  let bundleFile: string;
  let reloads: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-trust-bundle-'));
    custos = await aCustos();
    bundleFile = join(dir, 'etc', 'custos-bundle.pem');
    reloads = join(dir, 'reloads.log');
    await run('mkdir', ['-p', join(dir, 'etc')]);
  });
  after(async () => {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const ok = async (...args: string[]) => {
    const result = await custos.run(...args);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    return result;
  };
  const reconcile = async (expectedCode = 0): Promise<BundleView[]> => {
    const result = await custos.run('managed', 'reconcile', '--json');
    assert.equal(result.code, expectedCode, result.stderr);
    return result.json<{ bundles: BundleView[] }>().bundles;
  };
  const apply = async (file: string, text: string) => {
    await writeFile(file, text);
    await ok('apply', '-f', file);
  };
  const auditOf = async (type: string) =>
    (await ok('audit', 'export')).stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { type: string; subject: string; data: Record<string, unknown> })
      .filter((r) => r.type === type);
  const reloadCount = async () =>
    existsSync(reloads) ? (await readFile(reloads, 'utf8')).split('\n').filter(Boolean).length : 0;
  const blocks = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;

  it('writes the bundle, equal to `custos ca bundle`, and openssl verifies an issued certificate with it', async () => {
    await ok('ca', 'init', '--name', 'edge', '--key-type', 'ec-p256');
    await apply(
      join(dir, 'bundle.yaml'),
      manifest(
        'edge-trust',
        {
          path: bundleFile,
          reload: { command: ['/bin/sh', '-c', `echo reloaded >> '${reloads}'`] },
        },
        'edge',
      ),
    );
    assert.match((await ok('get', 'trustbundles')).stdout, /edge-trust\s+CA edge -> .*custos-bundle\.pem/);

    const [delivered] = await reconcile();
    assert.equal(delivered?.name, 'edge-trust');
    assert.equal(delivered?.state, 'deployed');
    assert.equal(delivered?.certificates, 2, 'the issuing intermediate and the root');
    const written = await readFile(bundleFile, 'utf8');
    assert.equal(written, (await ok('ca', 'bundle', '--ca', 'edge')).stdout);
    assert.equal((await stat(bundleFile)).mode & 0o777, 0o644);
    assert.equal(await reloadCount(), 1);

    const deployed = await auditOf('bundle.deployed');
    assert.equal(deployed.length, 1);
    assert.equal(deployed[0]?.subject, 'bundle:edge-trust');
    assert.equal(deployed[0]?.data.sha256, delivered?.sha256);

    const out = join(dir, 'leaf');
    await ok(
      'cert',
      'issue',
      '--generate-key',
      'ec-p256',
      '--dns',
      'api.example',
      '--ca',
      'edge',
      '--out-dir',
      out,
    );
    const { stdout } = await run('openssl', ['verify', '-CAfile', bundleFile, join(out, 'cert.pem')]);
    assert.match(stdout, /: OK/);
  });

  it('a second run, and two at once, write, reload and audit nothing', async () => {
    const before = await stat(bundleFile);
    assert.deepEqual(
      (await reconcile()).map((b) => b.state),
      ['unchanged'],
    );
    const [a, b] = await Promise.all([
      custos.run('managed', 'reconcile', '--json'),
      custos.run('managed', 'reconcile', '--json'),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal((await stat(bundleFile)).mtimeMs, before.mtimeMs);
    assert.equal(await reloadCount(), 1);
    assert.equal((await auditOf('bundle.deployed')).length, 1);
  });

  it('follows `ca rotate`: the new CA is in the file at the next run, the old content kept as .previous', async () => {
    const old = await readFile(bundleFile, 'utf8');
    await ok('ca', 'rotate', 'edge', '--overlap', '1h');
    const [delivered] = await reconcile();
    assert.equal(delivered?.state, 'deployed');
    const written = await readFile(bundleFile, 'utf8');
    assert.equal(blocks(written), 3, 'both intermediates and the root');
    assert.equal(written, (await ok('ca', 'bundle', '--ca', 'edge')).stdout);
    assert.equal(await readFile(`${bundleFile}.previous`, 'utf8'), old);
    assert.equal(await reloadCount(), 2);
    assert.equal((await auditOf('bundle.deployed')).length, 2);
  });

  it('a destination that cannot be written, or a reload that fails, is failed, audited and retried with backoff', async () => {
    await apply(join(dir, 'bad.yaml'), manifest('unwritable', { path: '/dev/null/bundle.pem' }));
    const failing = join(dir, 'failing-reload.pem');
    await apply(
      join(dir, 'reload.yaml'),
      manifest('bad-reload', { path: failing, reload: { command: ['/bin/false'] } }),
    );
    const result = await custos.run('managed', 'reconcile');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /trust bundle unwritable: failed \(file:\/dev\/null\/bundle\.pem: /);
    assert.match(
      result.stdout,
      /trust bundle bad-reload: failed \(file:.*failing-reload\.pem: reload command/,
    );
    assert.ok(existsSync(`${failing}.custos-pending`), 'the reload is owed: the next delivery runs it again');
    const failed = await auditOf('bundle.deploy-failed');
    assert.deepEqual(failed.map((r) => r.subject).sort(), ['bundle:bad-reload', 'bundle:unwritable']);
    // The failed deliveries wait for their retry (backoff) instead of being tried on every pass, and a run
    // meanwhile still says they fail (exit 1), with the error they failed with.
    const again = await custos.run('managed', 'reconcile', '--json');
    assert.equal(again.code, 1, again.stderr);
    const waiting = again.json<{ bundles: BundleView[] }>().bundles.filter((b) => b.name !== 'edge-trust');
    assert.deepEqual(waiting.map((b) => [b.name, b.state]).sort(), [
      ['bad-reload', 'failed'],
      ['unwritable', 'failed'],
    ]);
    // Waiting for its retry (2.5-5 s after the first failure), or tried again since and failed again.
    assert.match(
      [
        ...(waiting.find((b) => b.name === 'bad-reload')?.destinations.map((d) => d.error) ?? []),
        waiting.find((b) => b.name === 'bad-reload')?.error,
      ].join(' '),
      /reload command/,
    );
    const jobs = await ok('jobs', 'list', '--json');
    assert.match(jobs.stdout, /bundle\.deliver/);
  });

  it('a run killed between the write and the reload leaves the reload owed: the next run reloads', async () => {
    await ok('delete', 'trustbundles', 'unwritable', 'bad-reload');
    // The state a SIGKILL after the rename and before the reload leaves: the file holds the bundle, the marker is there.
    await writeFile(`${bundleFile}.custos-pending`, 'custos: this trust bundle is to be reloaded\n');
    const reloadsBefore = await reloadCount();
    const [delivered] = await reconcile();
    assert.equal(delivered?.state, 'deployed');
    assert.equal(await reloadCount(), reloadsBefore + 1);
    assert.equal(existsSync(`${bundleFile}.custos-pending`), false);
    assert.deepEqual(
      (await reconcile()).map((b) => b.state),
      ['unchanged'],
    );
  });
});
