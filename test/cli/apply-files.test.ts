/**
 * `apply -f` and `delete -f` take several files, as kubectl does, read as one set: a reference may name an object
 * of another file, a problem in any file applies nothing (and is named by its own file and line), and `delete -f`
 * deletes what all the files declare.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aCustos, type Custos } from '../support/cli.js';

const OWNER = `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec: {contacts: {email: [payments@corp.example]}}
`;
const IDENTITY = `apiVersion: custos/v1
kind: Identity
metadata: {name: checkout}
spec: {owner: payments, kind: workload}
`;
const BROKEN = `apiVersion: custos/v1
kind: Identity
metadata: {name: ledger}
spec:
  owner: payments
  kind: spaceship
`;

describe('apply -f and delete -f with several files', () => {
  let dir: string;
  let custos: Custos;
  const file = (name: string) => join(dir, name);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-apply-files-'));
    custos = await aCustos();
    await writeFile(file('owners.yaml'), OWNER);
    await writeFile(file('identities.yaml'), IDENTITY);
    await writeFile(file('broken.yaml'), BROKEN);
  });
  after(async () => {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('a problem in any file applies nothing, named by its file and line', async () => {
    const refused = await custos.run('apply', '-f', file('owners.yaml'), '-f', file('broken.yaml'));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /CUSTOS_MANIFEST_INVALID/);
    assert.match(refused.stderr, /broken\.yaml:6: document 1 \(Identity\/ledger\) spec\.kind/);
    const owners = await custos.run('get', 'owners', '--json');
    assert.deepEqual(owners.json<unknown[]>(), [], 'the valid file was not applied either');
  });

  it('applies the files as one set: an identity may name the owner of another file', async () => {
    const applied = await custos.run(
      'apply',
      '-f',
      file('identities.yaml'),
      '-f',
      file('owners.yaml'),
      '--json',
    );
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(
      applied
        .json<{ objects: Array<{ kind: string; name: string; change: string }> }>()
        .objects.map((o) => [o.kind, o.name, o.change]),
      [
        ['Identity', 'checkout', 'created'],
        ['Owner', 'payments', 'created'],
      ],
    );
  });

  it('an object declared in two files is a problem naming the other file', async () => {
    await writeFile(file('again.yaml'), OWNER);
    const twice = await custos.run('apply', '-f', file('owners.yaml'), '-f', file('again.yaml'));
    assert.equal(twice.code, 2);
    assert.match(
      twice.stderr,
      /again\.yaml:3: .*Owner\/payments is already declared in .*owners\.yaml document 1/,
    );
  });

  it('delete -f deletes what all the files declare', async () => {
    const deleted = await custos.run('delete', '-f', file('identities.yaml'), '-f', file('owners.yaml'));
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /^Identity\/checkout deleted\nOwner\/payments deleted\n/);
    assert.deepEqual((await custos.run('get', 'identities', '--json')).json<unknown[]>(), []);
  });
});
