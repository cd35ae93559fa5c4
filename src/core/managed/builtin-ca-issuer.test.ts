import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IssuanceRequest } from '../ca/issuance-request.js';
import { builtInCaIssuer, MANAGED_PROVISIONER, type BuiltInCa } from './builtin-ca-issuer.js';
import { canLookUpIssued } from './issuer-registry.js';

test('the built-in CA adapter maps a managed request onto an IssuanceRequest for its authority', async () => {
  const seen: IssuanceRequest[] = [];
  const revoked: string[] = [];
  const ca: BuiltInCa = {
    issue: (request) => {
      seen.push(request);
      return Promise.resolve({ certificate: { der: new Uint8Array([1]) }, chain: [new Uint8Array([2])] });
    },
    revoke: (fingerprint, reason) => {
      revoked.push(`${fingerprint}/${reason}`);
      return Promise.resolve();
    },
  };
  const issuer = builtInCaIssuer('default', ca);
  assert.equal(canLookUpIssued(issuer), false);
  const result = await issuer.issue({
    commonName: 'web.example',
    dnsNames: ['web.example'],
    ipAddresses: ['10.0.0.5'],
    uris: [],
    publicKeySpki: new Uint8Array([0x30]),
    ttlMs: 86_400_000,
    identity: 'web',
    requestKey: 'managed/web/1',
  });
  assert.deepEqual(result, { certificate: new Uint8Array([1]), chain: [new Uint8Array([2])] });
  assert.deepEqual(seen, [
    {
      authority: 'default',
      csr: null,
      publicKeySpki: new Uint8Array([0x30]),
      commonName: 'web.example',
      dnsNames: ['web.example'],
      ipAddresses: ['10.0.0.5'],
      uris: [],
      ttlMs: 86_400_000,
      identity: 'web',
      provisioner: { name: MANAGED_PROVISIONER, kind: 'cli', claims: { requestKey: 'managed/web/1' } },
    },
  ]);
  await issuer.revoke('ab', 'keyCompromise');
  assert.deepEqual(revoked, ['ab/keyCompromise']);
  assert.equal(
    canLookUpIssued(builtInCaIssuer('default', { ...ca, findIssued: () => Promise.resolve(null) })),
    true,
  );
});
