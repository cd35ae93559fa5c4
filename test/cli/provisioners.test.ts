/**
 * `custos token bootstrap` and the `provisioners:` of custos.yaml on the real CLI: the token is printed once (stdout
 * only), the database and the audit export never hold it, a provisioner of another type or name is refused, and
 * every problem of a provisioner's keys is reported at once with its line (CUSTOS_CONFIG_INVALID).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aCustos, type Custos } from '../support/cli.js';

const VALID = `
provisioners:
  - name: devices
    type: bootstrap
    limits:
      names: ['*.devices.corp.example']
      keyTypes: [ec-p256]
      maxTtl: 24h
  - name: ci
    type: oidc
    issuer: https://token.actions.githubusercontent.com
    audience: custos
    jwksUri: https://token.actions.githubusercontent.com/.well-known/jwks
    claimsToNames: [sub]
  - name: k8s
    type: kubernetes
    issuer: https://kubernetes.default.svc.cluster.local
    audience: custos
    jwksFile: /etc/custos/k8s-jwks.json
  - name: renew
    type: mtls
`;

const INVALID = `
provisioners:
  - name: ci
    type: oidc
    issuer: https://issuer.example
    jwksUri: https://issuer.example/jwks
    jwksFile: /etc/jwks.json
  - name: ci
    type: mtls
    audience: custos
  - name: cli
    type: bootstrap
    limits:
      maxTtl: forever
  - name: other
    type: saml
`;

describe('custos token bootstrap and provisioners: in custos.yaml', () => {
  let dir: string;
  let custos: Custos;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-prov-'));
    custos = await aCustos();
    await writeFile(join(dir, 'valid.yaml'), VALID);
    await writeFile(join(dir, 'invalid.yaml'), INVALID);
  });
  after(async () => {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a token once and keeps neither it in the database nor in the audit trail', async () => {
    const made = await custos.run('token', 'bootstrap', '--identity', 'sensor-0042', '--ttl', '15m');
    assert.equal(made.code, 0, made.stderr);
    const token = made.stdout.trim();
    assert.match(token, /^cbt_[A-Za-z0-9_-]{43}$/);
    assert.ok(!made.stderr.includes(token));
    assert.match(made.stderr, /sensor-0042 \(provisioner bootstrap\).*not shown again/);

    const json = await custos.run('token', 'bootstrap', '--identity', 'edge-1', '--ttl', '1h', '--json');
    assert.equal(json.code, 0, json.stderr);
    const created = json.json<{ token: string; id: string; provisioner: string; expiresAt: string }>();
    assert.equal(created.provisioner, 'bootstrap');

    const exported = await custos.run('audit', 'export');
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /token\.bootstrap\.created/);
    assert.ok(exported.stdout.includes(created.id));
    for (const secret of [token, created.token]) {
      assert.ok(!exported.stdout.includes(secret.slice(4)), 'no token in the audit export');
      for (const file of await readdir(custos.dataDir as string)) {
        if (!file.startsWith('custos.db')) continue;
        const bytes = await readFile(join(custos.dataDir as string, file));
        assert.ok(!bytes.includes(secret.slice(4)), `no token in ${file}`);
      }
    }
  });

  it('uses a configured bootstrap provisioner and refuses one of another type or an unknown one', async () => {
    const config = ['--config', join(dir, 'valid.yaml')];
    const ok = await custos.run(
      ...config,
      'token',
      'bootstrap',
      '--identity',
      'x',
      '--ttl',
      '5m',
      '--provisioner',
      'devices',
      '--json',
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.json<{ provisioner: string }>().provisioner, 'devices');

    const oidc = await custos.run(
      ...config,
      'token',
      'bootstrap',
      '--identity',
      'x',
      '--ttl',
      '5m',
      '--provisioner',
      'ci',
    );
    assert.equal(oidc.code, 2);
    assert.match(
      oidc.stderr,
      /CUSTOS_PROVISIONER_NOT_FOUND: The provisioner "ci" is of type oidc, not bootstrap/,
    );
    const unknown = await custos.run(
      'token',
      'bootstrap',
      '--identity',
      'x',
      '--ttl',
      '5m',
      '--provisioner',
      'nope',
    );
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /CUSTOS_PROVISIONER_NOT_FOUND/);
  });

  it('refuses a bad identity or ttl with exit 2', async () => {
    for (const args of [
      ['--identity', 'two words', '--ttl', '5m'],
      ['--identity', 'x', '--ttl', '31d'],
      ['--identity', 'x', '--ttl', 'soon'],
    ]) {
      const result = await custos.run('token', 'bootstrap', ...args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /CUSTOS_INVALID_ARGUMENT/);
    }
  });

  it('reports every problem of the provisioners at once, each at its line', async () => {
    const file = join(dir, 'invalid.yaml');
    const result = await custos.run('--config', file, 'token', 'bootstrap', '--identity', 'x', '--ttl', '5m');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /CUSTOS_CONFIG_INVALID/);
    assert.match(result.stderr, new RegExp(`${file}:11: provisioners\\[2\\]\\.name: must be a name`));
    assert.match(result.stderr, /provisioners\[2\]\.limits\.maxTtl: must be a duration above zero/);
    assert.match(result.stderr, /provisioners\[3\]\.type: must be one of bootstrap, oidc, kubernetes, mtls/);

    // Once each key is right alone, what the keys of one provisioner get wrong together.
    const together = join(dir, 'together.yaml');
    await writeFile(
      together,
      INVALID.replace('name: cli', 'name: boot').replace('forever', '1h').replace('saml', 'mtls'),
    );
    const second = await custos.run(
      '--config',
      together,
      'token',
      'bootstrap',
      '--identity',
      'x',
      '--ttl',
      '5m',
    );
    assert.equal(second.code, 2);
    assert.match(
      second.stderr,
      new RegExp(`${together}:3: provisioners\\[0\\]\\.audience: is required for oidc`),
    );
    assert.match(second.stderr, /provisioners\[0\]\.jwksFile: give exactly one of jwksUri and jwksFile/);
    assert.match(
      second.stderr,
      new RegExp(`${together}:8: provisioners\\[1\\]\\.name: is the name of provisioners\\[0\\] too`),
    );
    assert.match(second.stderr, /provisioners\[1\]\.audience: is not a key of a mtls provisioner/);
  });
});
