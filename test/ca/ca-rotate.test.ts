/**
 * `custos ca rotate` on the real CLI, on SQLite and PostgreSQL: the new CA enters the bundle at once, issuance stays
 * with the old one until the overlap passes, certificates of both verify with `openssl verify` against the bundle,
 * and the old CA leaves the bundle once none of its certificates is valid.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

const run = promisify(execFile);

interface Generation {
  name: string;
  status: string;
  signsFrom: string | null;
}
interface Rotated {
  rotated: Generation | null;
  applied: { kind: string; name: string }[];
  generations: Generation[];
}

for (const dialect of DIALECTS)
  describe(`custos ca rotate (${dialect.name})`, { skip: dialect.unavailable ?? false }, () => {
    let db: TestDatabase;
    let dir: string;
    let custos: Custos;
    before(async () => {
      db = await dialect.create();
      dir = await mkdtemp(join(tmpdir(), 'custos-rotate-'));
      custos = await aCustos(
        db.options.databaseUrl === undefined
          ? { dataDir: db.options.dataDir }
          : { databaseUrl: db.options.databaseUrl },
      );
    });
    after(async () => {
      await custos.cleanup();
      await db.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    const ok = async (...args: string[]) => {
      const result = await custos.run(...args);
      assert.equal(result.code, 0, result.stderr);
      return result;
    };
    const issue = async (label: string, ttl: string): Promise<string> => {
      const out = join(dir, label);
      await ok(
        'cert',
        'issue',
        '--generate-key',
        'ec-p256',
        '--dns',
        `${label}.example`,
        '--ttl',
        ttl,
        '--ca',
        'edge',
        '--out-dir',
        out,
      );
      return join(out, 'cert.pem');
    };
    const issuerOf = async (cert: string) =>
      (await run('openssl', ['x509', '-noout', '-issuer', '-in', cert])).stdout;
    const bundle = async (): Promise<string> => {
      const file = join(dir, `bundle-${Date.now()}.pem`);
      await ok('ca', 'bundle', '--ca', 'edge', '--out', file);
      return file;
    };
    const blocks = async (file: string) => {
      return (await readFile(file, 'utf8')).match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
    };
    const verify = async (bundleFile: string, cert: string) => {
      const { stdout } = await run('openssl', ['verify', '-CAfile', bundleFile, cert]);
      assert.match(stdout, /: OK/);
    };
    const notAfter = async (cert: string): Promise<number> =>
      Date.parse(
        (await run('openssl', ['x509', '-noout', '-enddate', '-in', cert])).stdout.replace('notAfter=', ''),
      );
    const status = async (): Promise<Rotated> =>
      (await ok('ca', 'rotate', 'edge', '--status', '--json')).json<Rotated>();

    it('rolls the CA over: bundle first, signing after the overlap, retired once its certificates are gone', async () => {
      await ok('ca', 'init', '--name', 'edge', '--key-type', 'ec-p256');
      const before = await issue('before', '60s');

      const rotated = (await ok('ca', 'rotate', 'edge', '--overlap', '30s', '--json')).json<Rotated>();
      const old = await issue('during', '60s');
      assert.doesNotMatch(await issuerOf(old), /Issuing CA r2/);
      assert.equal(rotated.rotated?.name, 'edge--r2');
      assert.equal(rotated.rotated?.status, 'next');
      assert.deepEqual(
        rotated.generations.map((g) => [g.name, g.status]),
        [
          ['edge', 'active'],
          ['edge--r2', 'next'],
        ],
      );

      const during = await bundle();
      assert.equal(await blocks(during), 3, 'both intermediates and the root');

      await sleep(Date.parse(rotated.rotated?.signsFrom ?? '') - Date.now() + 200);
      const fresh = await issue('after', '1h');
      assert.match(await issuerOf(fresh), /Issuing CA r2/);
      for (const cert of [before, old, fresh]) await verify(during, cert);

      const switched = await status();
      assert.deepEqual(switched.applied, [{ kind: 'activate', name: 'edge--r2', retiring: ['edge'] }]);
      assert.deepEqual(
        switched.generations.map((g) => [g.name, g.status]),
        [
          ['edge', 'retiring'],
          ['edge--r2', 'active'],
        ],
      );
      assert.equal(await blocks(await bundle()), 3, 'the retiring CA stays while its certificates are valid');
      await ok('ca', 'crl', 'edge', '--json');
      await ok('ca', 'crl', 'edge--r2', '--json');

      await sleep((await notAfter(old)) - Date.now() + 1_000);
      const retired = await status();
      assert.deepEqual(retired.applied, [{ kind: 'retire', name: 'edge' }]);
      const afterwards = await bundle();
      assert.equal(await blocks(afterwards), 2, 'the new intermediate and the root');
      await verify(afterwards, fresh);
    });

    it('refuses a rotation while the newest generation is still next', async () => {
      await ok('ca', 'init', '--name', 'hold', '--key-type', 'ec-p256');
      await ok('ca', 'rotate', 'hold', '--overlap', '1h');
      const refused = await custos.run('ca', 'rotate', 'hold', '--json');
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /CUSTOS_CA_CANNOT_ROTATE/);
    });
  });
