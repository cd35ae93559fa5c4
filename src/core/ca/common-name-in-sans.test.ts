import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withCommonNameInSans } from './common-name-in-sans.js';
import type { IssuanceRequest } from './issuance-request.js';

const request = (
  commonName: string | null,
  dnsNames: string[] = [],
  ipAddresses: string[] = [],
): IssuanceRequest => ({
  authority: 'default',
  csr: null,
  publicKeySpki: new Uint8Array(),
  commonName,
  dnsNames,
  ipAddresses,
  uris: [],
  ttlMs: null,
  identity: null,
  provisioner: { name: 'cli', kind: 'cli', claims: {} },
});

test('a host-name or IP common name joins the SANs once; anything else is left for the checks', () => {
  const cases: Array<[IssuanceRequest, string[], string[]]> = [
    [request('api.corp.example', ['www.corp.example']), ['www.corp.example', 'api.corp.example'], []],
    [request('API.corp.example', ['api.corp.example']), ['api.corp.example'], []],
    [request('10.0.0.5'), [], ['10.0.0.5']],
    [request('::ffff:10.0.0.5', [], ['::ffff:10.0.0.5']), [], ['::ffff:10.0.0.5']],
    [request('Example Service'), [], []],
    [request(null, ['a.corp.example']), ['a.corp.example'], []],
  ];
  for (const [input, dns, ips] of cases) {
    const out = withCommonNameInSans(input);
    assert.deepEqual(out.dnsNames, dns, String(input.commonName));
    assert.deepEqual(out.ipAddresses, ips, String(input.commonName));
  }
});
