/**
 * `custos managed list|status|renew|reconcile` through the real CLI. Until the built-in CA lands, the CLI's
 * issuer registry is empty, so the reconciler records a terminal failure naming the issuer (the closed loop with a
 * real issuer is test/managed/closed-loop.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { aCustos, type Custos } from '../support/cli.js';

let custos: Custos;
let dir: string;
before(async () => {
  custos = await aCustos();
  dir = await mkdtemp(join(tmpdir(), 'custos-managed-cli-'));
  const file = join(dir, 'web.yaml');
  await writeFile(
    file,
    `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: web}
spec:
  dnsNames: [web.corp.example]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(dir, 'web.crt')}, privateKey: ${join(dir, 'web.key')}}
`,
  );
  const applied = await custos.run('apply', '-f', file);
  assert.equal(applied.code, 0, applied.stderr);
});
after(async () => {
  await custos.cleanup();
  await rm(dir, { recursive: true, force: true });
});

test('status before any reconcile: the contract form with no conditions and no revision', async () => {
  const status = await custos.run('managed', 'status', 'web', '--json');
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(status.json(), {
    conditions: [],
    revision: null,
    fingerprintSha256: null,
    staleEndpoints: [],
  });
});

test('reconcile with no issuer named "default": Failed with the reason, exit 1; nothing due afterwards', async () => {
  const run = await custos.run('managed', 'reconcile', '--timeout', '30s', '--json');
  assert.equal(run.code, 1, run.stderr);
  const [web] = run.json<{ managed: Array<{ name: string; ready: string; reason: string }> }>().managed;
  assert.equal(web?.name, 'web');
  assert.equal(web?.ready, 'False');
  assert.equal(web?.reason, 'IssueFailed');

  const status = await custos.run('managed', 'status', 'web', '--json');
  const view = status.json<{
    conditions: Array<Record<string, string>>;
    revision: number | null;
    fingerprintSha256: string | null;
    staleEndpoints: unknown[];
  }>();
  assert.deepEqual(Object.keys(view), ['conditions', 'revision', 'fingerprintSha256', 'staleEndpoints']);
  const failed = view.conditions.find((c) => c['type'] === 'Failed');
  assert.equal(failed?.['status'], 'True');
  assert.match(failed?.['message'] ?? '', /CUSTOS_MANAGED_ISSUER_NOT_FOUND: No issuer is named "default"/);
  for (const c of view.conditions)
    assert.deepEqual(Object.keys(c), ['type', 'status', 'reason', 'message', 'lastTransitionTime']);

  const list = await custos.run('managed', 'list', '--json');
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    list
      .json<Array<{ name: string; ready: string; issuer: string }>>()
      .map((i) => [i.name, i.ready, i.issuer]),
    [['web', 'False', 'default']],
  );
  const table = await custos.run('managed', 'list');
  assert.match(table.stdout, /web\s+False\s+IssueFailed/);
});

test('renew records the request (audited) for the next reconcile; an unknown name is exit 2', async () => {
  const renew = await custos.run('managed', 'renew', 'web');
  assert.equal(renew.code, 0, renew.stderr);
  const audit = await custos.run('audit', 'export');
  assert.equal(audit.code, 0, audit.stderr);
  assert.match(audit.stdout, /"type":"managed\.renew-requested"/);
  const verified = await custos.run('audit', 'verify', '--state');
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  const rollback = await custos.run('managed', 'rollback', 'web');
  assert.equal(rollback.code, 2);
  assert.match(rollback.stderr, /CUSTOS_MANAGED_NO_ROLLBACK/);
  const missing = await custos.run('managed', 'status', 'nope', '--json');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /CUSTOS_MANAGED_NOT_FOUND/);
  const jobs = await custos.run('jobs', 'list', '--json');
  assert.deepEqual(
    jobs.json<Array<{ kind: string }>>().map((j) => j.kind),
    ['managed.reconcile'],
  );
});
