/**
 * `DELETE /v1/objects/{kind}/{name}` and `POST /v1/delete` on a real `custos serve` (every store), and `custos delete`
 * with `--server`: the write scope is needed, an owner-bound token is refused as apply refuses it, the codes are the
 * CLI's (404 not found, 409 still referenced, 400 unknown kind), and the deletion is audited under the token.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aCustos, runCustos, type Custos } from '../support/cli.js';
import { aServer, type ServerProcess } from '../support/server.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

const GOVERNANCE = `apiVersion: custos/v1
kind: Owner
metadata: {name: plant}
spec:
  contacts: {email: [plant@corp.example]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: plant-hosts}
spec:
  owner: plant
  match: {dnsNames: ["*.corp.example"]}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: lab}
spec:
  contacts: {email: [lab@corp.example]}
`;

interface Problem {
  code: string;
  detail: string;
}

for (const dialect of DIALECTS) {
  describe(`deleting objects over the API on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let database: TestDatabase | undefined;
    let custos: Custos;
    let server: ServerProcess | undefined;
    const tokens: Record<'writer' | 'reader' | 'plant', string> = { writer: '', reader: '', plant: '' };

    const token = async (...args: string[]): Promise<string> => {
      const created = await custos.run('token', 'create', '--json', ...args);
      assert.equal(created.code, 0, created.stderr);
      return created.json<{ token: string }>().token;
    };
    const call = async (method: 'DELETE' | 'POST', path: string, bearer?: string, body?: unknown) => {
      const response = await fetch(new URL(path, `${server?.url}/`), {
        method,
        headers: {
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const remote = (...args: string[]) =>
      runCustos(args, {
        cwd: dir,
        env: { CUSTOS_SERVER: server?.url ?? '', CUSTOS_TOKEN: tokens.writer },
        timeoutMs: 60_000,
      });

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-v1-delete-'));
      await writeFile(join(dir, 'governance.yaml'), GOVERNANCE);
      database = await dialect.create();
      custos = await aCustos({
        dataDir: database.options.dataDir,
        databaseUrl: database.options.databaseUrl,
      });
      const applied = await custos.run('apply', '-f', join(dir, 'governance.yaml'));
      assert.equal(applied.code, 0, applied.stderr);
      tokens.writer = await token('--scopes', 'write');
      tokens.reader = await token('--scopes', 'read');
      tokens.plant = await token('--scopes', 'write', '--owner', 'plant');
      server = await aServer([...custos.stateFlags, '--no-workers'], { timeoutMs: 60_000 });
    });
    after(async () => {
      await server?.stop();
      await custos?.cleanup();
      await database?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('the route refuses what the CLI refuses, with the same codes', async () => {
      const anonymous = await call('DELETE', '/v1/objects/owners/lab');
      assert.equal(anonymous.status, 401);
      const reader = await call('DELETE', '/v1/objects/owners/lab', tokens.reader);
      assert.equal(reader.status, 403);
      assert.equal((reader.body as Problem).code, 'CUSTOS_FORBIDDEN');
      const bound = await call('DELETE', '/v1/objects/owners/lab', tokens.plant);
      assert.equal(bound.status, 403);
      assert.match((bound.body as Problem).detail, /bound to owner "plant" cannot delete objects/);
      const missing = await call('DELETE', '/v1/objects/owners/nobody', tokens.writer);
      assert.equal(missing.status, 404);
      assert.equal((missing.body as Problem).code, 'CUSTOS_NOT_FOUND');
      const inUse = await call('DELETE', '/v1/objects/Owner/plant', tokens.writer);
      assert.equal(inUse.status, 409);
      assert.equal((inUse.body as Problem).code, 'CUSTOS_OBJECT_IN_USE');
      const unknown = await call('DELETE', '/v1/objects/teams/plant', tokens.writer);
      assert.equal(unknown.status, 400);
      assert.equal((unknown.body as Problem).code, 'CUSTOS_USAGE');
      const owners = await custos.run('get', 'owners', '-o', 'json');
      assert.equal(owners.json<unknown[]>().length, 2, 'nothing was deleted');
    });

    test('DELETE /v1/objects/{kind}/{name} deletes one object, audited under the token', async () => {
      const ignored = await call('DELETE', '/v1/objects/owner/nobody?ignoreNotFound=true', tokens.writer);
      assert.equal(ignored.status, 200);
      assert.deepEqual((ignored.body as { objects: unknown[] }).objects, [
        { kind: 'Owner', name: 'nobody', change: 'not-found' },
      ]);
      const deleted = await call('DELETE', '/v1/objects/owner/lab', tokens.writer);
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.deepEqual(deleted.body, {
        objects: [{ kind: 'Owner', name: 'lab', change: 'deleted' }],
        ownerChanges: [],
        decisionChanges: [],
      });
      const exported = await custos.run('audit', 'export');
      const event = exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; subject: string; actor: string })
        .find((e) => e.type === 'object.deleted');
      assert.equal(event?.subject, 'Owner/lab');
      assert.match(event?.actor ?? '', /tok_[0-9a-f]{8}/);
    });

    test('custos delete with --server: one object and a whole file, with the local exit codes', async () => {
      const missing = await remote('delete', 'rule', 'nobody');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^custos: CUSTOS_NOT_FOUND: no OwnershipRule\/nobody/);
      const inUse = await remote('delete', 'owner', 'plant');
      assert.equal(inUse.code, 2);
      assert.match(
        inUse.stderr,
        /CUSTOS_OBJECT_IN_USE: .*OwnershipRule\/plant-hosts spec\.owner names Owner\/plant/,
      );
      const deleted = await remote('delete', '-f', join(dir, 'governance.yaml'), '--ignore-not-found');
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.deepEqual(deleted.stdout.trim().split('\n'), [
        'Owner/plant deleted',
        'OwnershipRule/plant-hosts deleted',
        'Owner/lab not found (ignored)',
      ]);
      const listed = await remote('get', 'owners', '-o', 'json');
      assert.deepEqual(listed.json(), []);
      const gone = await remote('get', 'owner', 'plant');
      assert.equal(gone.code, 2);
      assert.match(gone.stderr, /CUSTOS_NOT_FOUND/);
    });
  });
}
