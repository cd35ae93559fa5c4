/**
 * Issue 9, "sightings end when the thing is gone": through the real CLI, against node:tls servers on 127.0.0.1 that
 * are stopped to make a location unreachable, on SQLite and PostgreSQL. A location that fails `scan.tls.endAfter`
 * probes in a row and for `scan.tls.endAfterDuration` (whichever comes later) ends its sightings; until then the
 * inventory marks it unreachable; an answered probe resets the count; `locations list`, `--include-retired`,
 * `inventory show` and the audit trail say when and why.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aChain, withDnsNames, withSubject, type BuiltCertificate } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS } from '../store/dialects.js';
import { tlsServer, type Running } from '../scan-tls/servers.js';
import type { AuditLine } from '../cli/contract-types.js';

interface Listed {
  fingerprintSha256: string;
  retiredAt: string | null;
  findings: Array<{ code: string }>;
  locations: Array<{ sni: string | null; unreachableSince?: string; endedAt?: string; endReason?: string }>;
}

interface LocationRow {
  locationKey: string;
  certificates: number;
  unreachableSince?: string;
  failedProbes?: number;
  lastFailure?: string;
  findings: Array<{ code: string; fingerprintSha256: string }>;
}

for (const dialect of DIALECTS) {
  describe(`TLS locations that stop answering (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let root: string;
    let chain: { root: BuiltCertificate; intermediate: BuiltCertificate; leaf: BuiltCertificate };
    const running: Running[] = [];
    const serve = async (port?: number): Promise<Running> => {
      const server = await tlsServer(
        { key: chain.leaf, chain: [chain.leaf, chain.intermediate] },
        port === undefined ? {} : { port },
      );
      running.push(server);
      return server;
    };
    /** A CLI on a fresh state, with a configuration file of its own. */
    const aState = async (config: string): Promise<Custos & { dispose(): Promise<void> }> => {
      const db = await dialect.create();
      const custos = await aCustos(db.options);
      const file = join(dir, `custos-${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(file, `scan:\n  timeout: 2s\n${config}`);
      return {
        ...custos,
        run: (...args) => custos.run('--config', file, ...args),
        dispose: async () => {
          await custos.cleanup();
          await db.dispose();
        },
      };
    };
    const scan = async (custos: Custos, port: number): Promise<void> => {
      const r = await custos.run(
        'scan',
        'tls',
        `127.0.0.1:${port}`,
        '--sni',
        'web.corp.test',
        '--trust',
        root,
      );
      assert.equal(r.code, 0, r.stderr);
    };
    /** The leaf's entries (the intermediate served with it is in the inventory too). */
    const listed = async (custos: Custos, ...flags: string[]): Promise<Listed[]> => {
      const r = await custos.run('inventory', 'list', '--json', ...flags);
      assert.equal(r.code, 0, r.stderr);
      return r.json<Listed[]>().filter((e) => e.fingerprintSha256 === chain.leaf.fingerprintSha256);
    };
    const locations = async (custos: Custos, ...flags: string[]): Promise<LocationRow[]> => {
      const r = await custos.run('locations', 'list', '--json', ...flags);
      assert.equal(r.code, 0, r.stderr);
      return r.json<LocationRow[]>();
    };
    const audit = async (custos: Custos): Promise<AuditLine[]> => {
      const r = await custos.run('audit', 'export');
      assert.equal(r.code, 0, r.stderr);
      return r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as AuditLine);
    };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-unreachable-'));
      chain = await aChain(withSubject('CN=web.corp.test'), withDnsNames('web.corp.test'));
      root = join(dir, 'root.pem');
      await writeFile(root, chain.root.pem);
    });
    after(async () => {
      await Promise.all(running.map((r) => r.close()));
      await rm(dir, { recursive: true, force: true });
    });

    it('a stopped endpoint is marked unreachable, then ends after scan.tls.endAfter failed probes', async () => {
      const custos = await aState('  tls:\n    endAfter: 3\n    endAfterDuration: 1ms\n');
      try {
        const server = await serve();
        await scan(custos, server.port);
        await server.close();

        await scan(custos, server.port);
        const [entry] = await listed(custos);
        assert.equal(entry?.fingerprintSha256, chain.leaf.fingerprintSha256);
        assert.match(entry?.locations[0]?.unreachableSince ?? '', /Z$/);
        const table = await custos.run('inventory', 'list');
        assert.match(table.stdout, /127\.0\.0\.1:\d+ \(sni web\.corp\.test\) \(unreachable since \d{4}-/);
        const [unreachable] = await locations(custos, '--unreachable');
        assert.equal(unreachable?.locationKey, `tls:127.0.0.1:${server.port}:web.corp.test`);
        assert.equal(unreachable?.lastFailure, 'refused');
        assert.equal(unreachable?.failedProbes, 1);

        await scan(custos, server.port);
        assert.equal((await listed(custos)).length, 1, 'two failed probes: still installed');
        await scan(custos, server.port);
        assert.deepEqual(await listed(custos), [], 'the third failed probe ends it');
        assert.deepEqual(await locations(custos), []);

        const retired = await listed(custos, '--include-retired');
        assert.match(retired[0]?.retiredAt ?? '', /Z$/);
        assert.match(
          retired[0]?.locations[0]?.endReason ?? '',
          /^unreachable: refused, 3 failed probes since /,
        );
        const retiredTable = await custos.run('inventory', 'list', '--include-retired');
        assert.match(retiredTable.stdout, /ENDED/);
        assert.match(
          retiredTable.stdout,
          new RegExp(`${(retired[0]?.retiredAt ?? '').replace(/\./g, '\\.')}`),
        );
        const show = await custos.run('inventory', 'show', chain.leaf.fingerprintSha256.slice(0, 12));
        assert.equal(show.code, 0, show.stderr);
        assert.match(show.stdout, /WHY/);
        assert.match(show.stdout, /unreachable: refused, 3 failed probes since/);

        const ended = (await audit(custos)).filter((e) => e.type === 'sighting.ended');
        assert.deepEqual(
          ended.map((e) => [e.subject, e.data['reason']]).sort(),
          [chain.leaf, chain.intermediate]
            .map((c) => [c.fingerprintSha256, retired[0]?.locations[0]?.endReason])
            .sort(),
        );
        // A fourth failure changes nothing: nothing is sighted there any more.
        await scan(custos, server.port);
        assert.equal((await audit(custos)).filter((e) => e.type === 'sighting.ended').length, 2);
        const state = await custos.run('audit', 'verify', '--state');
        assert.equal(state.code, 0, `the audit trail replays to the sightings left: ${state.stderr}`);
      } finally {
        await custos.dispose();
      }
    });

    it('whichever comes later: enough probes but not for long enough stay open; an answer resets', async () => {
      const custos = await aState('  tls:\n    endAfter: 1\n    endAfterDuration: 1h\n');
      try {
        const server = await serve();
        await scan(custos, server.port);
        await server.close();
        // Two scans at once both count (as real processes, one after the other in the store).
        const both = await Promise.all([
          custos.run('scan', 'tls', `127.0.0.1:${server.port}`, '--sni', 'web.corp.test'),
          custos.run('scan', 'tls', `127.0.0.1:${server.port}`, '--sni', 'web.corp.test'),
        ]);
        for (const r of both) assert.equal(r.code, 0, r.stderr);
        await scan(custos, server.port);
        const [row] = await locations(custos);
        assert.equal(row?.failedProbes, 3);
        assert.equal((await listed(custos)).length, 1, 'failing for less than an hour: not ended');

        await serve(server.port);
        await scan(custos, server.port);
        assert.deepEqual(await locations(custos, '--unreachable'), []);
        const [entry] = await listed(custos);
        assert.equal(entry?.locations[0]?.unreachableSince, undefined);
      } finally {
        await custos.dispose();
      }
    });

    it('a probe by bare IP address keeps its findings to that location; locations forget removes it', async () => {
      const custos = await aState('');
      try {
        const server = await serve();
        const byIp = await custos.run('scan', 'tls', `127.0.0.1:${server.port}`, '--trust', root);
        assert.equal(byIp.code, 0, byIp.stderr);
        await scan(custos, server.port);
        await scan(custos, server.port);

        const [entry] = await listed(custos);
        assert.equal(entry?.locations.length, 2);
        assert.ok(
          !entry?.findings.some((f) => f.code === 'hostname-mismatch'),
          JSON.stringify(entry?.findings),
        );
        const ipKey = `tls:127.0.0.1:${server.port}:`;
        const rows = await locations(custos, '--kind', 'tls');
        assert.deepEqual(
          rows.map((r) => [r.locationKey, r.findings.map((f) => f.code)]),
          [
            [ipKey, ['hostname-mismatch']],
            [`tls:127.0.0.1:${server.port}:web.corp.test`, []],
          ],
        );

        const unknown = await custos.run('locations', 'forget', ipKey, 'tls:nowhere:1:');
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /CUSTOS_NOT_FOUND: .*tls:nowhere:1:/);
        assert.equal((await locations(custos)).length, 2, 'nothing forgotten');

        const forget = await custos.run('locations', 'forget', ipKey);
        assert.equal(forget.code, 0, forget.stderr);
        assert.match(forget.stdout, new RegExp(`forgot ${ipKey}: 2 sightings ended`));
        assert.deepEqual(
          (await locations(custos)).map((r) => r.locationKey),
          [`tls:127.0.0.1:${server.port}:web.corp.test`],
        );
        const [after] = await listed(custos);
        assert.deepEqual(
          after?.locations.map((l) => l.sni),
          ['web.corp.test'],
        );
        const events = await audit(custos);
        assert.ok(events.some((e) => e.type === 'location.forgotten' && e.subject === ipKey));
        assert.ok(events.some((e) => e.type === 'sighting.ended' && e.data['reason'] === 'forgotten'));
        const state = await custos.run('audit', 'verify', '--state');
        assert.equal(state.code, 0, `the audit trail replays to the sightings left: ${state.stderr}`);
      } finally {
        await custos.dispose();
      }
    });

    it('a later probe replaces what an endpoint was found serving wrong', async () => {
      const custos = await aState('');
      try {
        const misordered = await tlsServer({
          key: chain.leaf,
          chain: [chain.leaf, chain.root, chain.intermediate],
        });
        const port = misordered.port;
        await scan(custos, port);
        const codes = async (): Promise<string[]> =>
          ((await listed(custos))[0]?.findings ?? []).map((f) => f.code);
        assert.ok((await codes()).includes('chain-order'), (await codes()).join(','));
        await misordered.close();
        await serve(port);
        await scan(custos, port);
        assert.ok(!(await codes()).includes('chain-order'), (await codes()).join(','));
      } finally {
        await custos.dispose();
      }
    });
  });
}
