/**
 * `custos token create|list|revoke|login-code` as a user runs them: the token printed once on stdout (never by
 * list), listed by id with its scopes, owner and state, revoked by id; bad scopes refused with exit 2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aCustos, type Custos } from '../support/cli.js';

interface Listed {
  id: string;
  name: string;
  scopes: string[];
  owner: string | null;
  state: string;
  expiresAt: string;
}

describe('custos token', () => {
  let custos: Custos;
  before(async () => {
    custos = await aCustos();
  });
  after(() => custos.cleanup());

  test('create prints the token once; list shows it without it; revoke ends it', async () => {
    const made = await custos.run(
      'token',
      'create',
      '--scopes',
      'read,issue',
      '--owner',
      'payments',
      '--name',
      'ci',
    );
    assert.equal(made.code, 0, made.stderr);
    const token = made.stdout.trim();
    assert.match(token, /^cst_[A-Za-z0-9_-]{43}$/);
    const id = /API token (tok_[0-9a-f]{8})/.exec(made.stderr)?.[1];
    assert.ok(id, made.stderr);
    assert.match(made.stderr, /not shown again/);

    const json = await custos.run('token', 'create', '--scopes', 'admin', '--ttl', '1d', '--json');
    assert.equal(json.code, 0, json.stderr);
    const created = json.json<Listed & { token: string }>();
    assert.match(created.token, /^cst_/);
    assert.deepEqual(created.scopes, ['admin']);
    const day = Date.parse(created.expiresAt) - Date.now();
    assert.ok(day > 0 && day <= 86_400_000, created.expiresAt);

    const table = await custos.run('token', 'list');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+NAME\s+SCOPES\s+OWNER\s+STATE/m);
    assert.match(table.stdout, new RegExp(`${id}\\s+ci\\s+read,issue\\s+payments\\s+active`));
    assert.ok(
      !table.stdout.includes(token) && !table.stdout.includes(created.token),
      'list never shows a token',
    );

    const revoked = await custos.run('token', 'revoke', id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`revoked ${id}`));
    const listed = (await custos.run('token', 'list', '--json')).json<Listed[]>();
    assert.equal(listed.find((t) => t.id === id)?.state, 'revoked');
    assert.equal(listed.find((t) => t.id === created.id)?.state, 'active');

    const audit = await custos.run('audit', 'export');
    assert.ok(
      !audit.stdout.includes(token) && !audit.stdout.includes(created.token),
      'nor does the audit trail',
    );
  });

  test('unknown scopes and ids are refused with exit 2', async () => {
    const bad = await custos.run('token', 'create', '--scopes', 'read,root');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /CUSTOS_INVALID_ARGUMENT: --scopes: unknown scope root/);
    const missing = await custos.run('token', 'revoke', 'tok_00000000');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /CUSTOS_NOT_FOUND/);
  });

  test('login-code prints a sign-in URL at server.baseUrl', async () => {
    const res = await custos.run('token', 'login-code', '--base-url', 'https://custos.example/');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout.trim(), /^https:\/\/custos\.example\/login\?code=csl_[A-Za-z0-9_-]{43}$/);
  });
});
