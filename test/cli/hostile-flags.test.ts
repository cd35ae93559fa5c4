/**
 * Flag values are validated, not wrapped: each bad value below is exit 2 with a code on one line, before any work
 * (the DNS server case used to abort the process inside c-ares). A data directory under /proc is exit 3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aCustos, runCustos, type Custos } from '../support/cli.js';

describe('flag values out of range', () => {
  let custos: Custos;
  before(async () => {
    custos = await aCustos();
  });
  after(() => custos.cleanup());

  const cases: Array<{ args: string[]; code: string; message: RegExp }> = [
    {
      args: ['scan', 'tls', '127.0.0.1:1', '--timeout', '25d'],
      code: 'CUSTOS_CONFIG_INVALID',
      message: /--timeout: scan\.timeout: must be a duration above zero and at most 24 days .*"25d"/,
    },
    {
      args: ['scan', 'tls', '127.0.0.1:1', '--timeout', '0s'],
      code: 'CUSTOS_CONFIG_INVALID',
      message: /--timeout: scan\.timeout: must be a duration above zero .*"0s"/,
    },
    {
      args: ['inventory', 'list', '--expiring-within', '99999999999999999999d'],
      code: 'CUSTOS_INVALID_ARGUMENT',
      message: /--expiring-within: .* is longer than the 36500d allowed/,
    },
    {
      args: ['inventory', 'list', '--at', '2026-02-31'],
      code: 'CUSTOS_INVALID_ARGUMENT',
      message: /--at: "2026-02-31" is not an ISO 8601 time/,
    },
    {
      args: ['inventory', 'list', '--at', '2026-04-30T24:00:00Z'],
      code: 'CUSTOS_INVALID_ARGUMENT',
      message: /--at: /,
    },
    { args: ['inventory', 'list', '--at', ''], code: 'CUSTOS_INVALID_ARGUMENT', message: /--at: "" is not/ },
    {
      args: ['audit', 'export', '--since', ''],
      code: 'CUSTOS_INVALID_ARGUMENT',
      message: /--since: "" is not/,
    },
    {
      args: ['scan', 'tls', '127.0.0.1:65536'],
      code: 'CUSTOS_INVALID_ARGUMENT',
      message: /"65536" is not a port/,
    },
    {
      args: ['scan', 'tls', 'localhost:1', '--dns-server', '127.0.0.1:0'],
      code: 'CUSTOS_CONFIG_INVALID',
      message: /--dns-server: scan\.dnsServers\[0\]: must be an IP address with an optional port/,
    },
    {
      args: ['scan', 'tls', 'localhost:1', '--dns-server', '127.0.0.1:65536'],
      code: 'CUSTOS_CONFIG_INVALID',
      message: /--dns-server: scan\.dnsServers\[0\]: must be an IP address with an optional port/,
    },
    {
      args: ['scan', 'tls', 'localhost:1', '--dns-server', '[::1]:0'],
      code: 'CUSTOS_CONFIG_INVALID',
      message: /--dns-server: scan\.dnsServers\[0\]: must be an IP address with an optional port/,
    },
  ];
  for (const { args, code, message } of cases) {
    test(`custos ${args.join(' ')} is exit 2 with ${code}`, async () => {
      const result = await custos.run(...args);
      assert.equal(result.code, 2, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^custos: ${code}: `));
      assert.match(result.stderr, message);
    });
  }

  test('a date that exists is still read', async () => {
    const result = await custos.run('inventory', 'list', '--at', '2028-02-29', '--json');
    assert.equal(result.code, 0, result.stderr);
  });
});

test(
  '--data-dir under /proc is CUSTOS_DATA_DIR_UNUSABLE, exit 3, instead of spinning for ever',
  { timeout: 30_000 },
  async () => {
    const result = await runCustos(['--data-dir', '/proc/custos-x', 'inventory', 'list']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^custos: CUSTOS_DATA_DIR_UNUSABLE: .*\/proc\/custos-x/);
  },
);

describe('scan tls limits', () => {
  let custos: Custos;
  before(async () => {
    custos = await aCustos();
  });
  after(() => custos.cleanup());

  test('a scan of more endpoints than --max-endpoints is refused before anything is probed', async () => {
    const many = await custos.run('scan', 'tls', '127.0.0.0/24', '--ports', '1-300');
    assert.equal(many.code, 2, many.stderr);
    assert.match(many.stderr, /^custos: CUSTOS_SCAN_RANGE_TOO_LARGE: the scan would probe 76,800 endpoints/);
    const lowered = await custos.run(
      'scan',
      'tls',
      '127.0.0.0/30',
      '[::1]:1',
      '--ports',
      '1',
      '--max-endpoints',
      '4',
    );
    assert.equal(lowered.code, 2, lowered.stderr);
    assert.match(lowered.stderr, /would probe 5 endpoints .* more than the 4 one scan accepts/);
  });

  test('addresses that are never a unicast destination are skipped and counted', async () => {
    const result = await custos.run('scan', 'tls', '0.0.0.0/30', 'ff02::/126', '127.0.0.1:1', '--json');
    assert.equal(result.code, 0, result.stderr);
    const { results, summary } = result.json<{
      results: Array<{ host: string }>;
      summary: { endpoints: number; skippedAddresses: number };
    }>();
    assert.deepEqual(
      results.map((r) => r.host),
      ['127.0.0.1'],
    );
    assert.equal(summary.skippedAddresses, 8);
    const human = await custos.run('scan', 'tls', '0.0.0.0/31');
    assert.match(human.stdout, /^skipped 2 addresses of the ranges that are never a unicast destination/);
  });
});
