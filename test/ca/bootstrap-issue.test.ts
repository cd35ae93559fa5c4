/**
 * A device's first certificate with a one-time bootstrap token, through the real CLI: `custos token bootstrap`
 * makes the token, `custos cert issue --token` spends it — the certificate is issued for the token's identity and
 * the decision is audited with the provisioner — and the same token a second time is CUSTOS_TOKEN_INVALID, exit 2.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aCustos, type Custos } from '../support/cli.js';

describe('cert issue --token (bootstrap provisioner)', () => {
  let custos: Custos;
  let dir: string;
  before(async () => {
    custos = await aCustos();
    dir = await mkdtemp(join(tmpdir(), 'custos-bootstrap-'));
    const init = await custos.run('ca', 'init');
    assert.equal(init.code, 0, init.stderr);
  });
  after(async () => {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('issues once for the identity the token names, then refuses the spent token', async () => {
    const made = await custos.run('token', 'bootstrap', '--identity', 'sensor-0042', '--ttl', '15m');
    assert.equal(made.code, 0, made.stderr);
    const token = made.stdout.trim();
    const issue = (out: string) =>
      custos.run(
        'cert',
        'issue',
        '--token',
        token,
        '--generate-key',
        'ec-p256',
        '--dns',
        'sensor-0042.devices.corp.example',
        '--out-dir',
        join(dir, out),
        '--json',
      );
    const first = await issue('first');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json<{ identity: string }>().identity, 'sensor-0042');

    const second = await issue('second');
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, /CUSTOS_TOKEN_INVALID/);
    assert.ok(!second.stderr.includes(token), 'the token is not echoed');

    const events = (await custos.run('audit', 'export')).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data?: Record<string, unknown> });
    const types = events.map((event) => event.type);
    assert.ok(types.includes('issuance.authorized') && types.includes('issuance.refused'), types.join(','));
    const issued = events.filter((event) => event.type === 'certificate.issued');
    assert.equal(issued.length, 1);
    assert.ok(!JSON.stringify(events).includes(token), 'the token is in no audit event');
  });
});
