import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import type { IssuanceRequest, ProvisionerGrant } from '../issuance-request.js';
import { cappedTtlMs, keyTypeOfSpki, provisionerLimits } from './grant-limits.js';

const spki = (type: 'ec' | 'rsa' | 'ed25519', option: object = {}): Uint8Array =>
  new Uint8Array(
    generateKeyPairSync(type as 'ec', option as { namedCurve: string }).publicKey.export({
      type: 'spki',
      format: 'der',
    }),
  );
const P256 = spki('ec', { namedCurve: 'P-256' });

const request = (grant: ProvisionerGrant, overrides: Partial<IssuanceRequest> = {}): IssuanceRequest => ({
  authority: 'default',
  csr: null,
  publicKeySpki: P256,
  commonName: null,
  dnsNames: ['api.devices.example'],
  ipAddresses: [],
  uris: [],
  ttlMs: 3_600_000,
  identity: 'sensor-1',
  provisioner: grant,
  ...overrides,
});

const grant = (limits?: ProvisionerGrant['limits']): ProvisionerGrant => ({
  name: 'devices',
  kind: 'bootstrap-token',
  claims: { identity: 'sensor-1' },
  ...(limits === undefined ? {} : { limits }),
});

describe('provisioner limits', () => {
  it('names the key types of the SPKIs Custos issues for', () => {
    assert.equal(keyTypeOfSpki(P256), 'ec-p256');
    assert.equal(keyTypeOfSpki(spki('ec', { namedCurve: 'P-384' })), 'ec-p384');
    assert.equal(keyTypeOfSpki(spki('ed25519')), 'ed25519');
    assert.equal(keyTypeOfSpki(spki('rsa', { modulusLength: 2048 })), 'rsa-2048');
    assert.equal(keyTypeOfSpki(spki('ec', { namedCurve: 'P-521' })), null);
    assert.equal(keyTypeOfSpki(new Uint8Array([1, 2, 3])), null);
  });

  const cases: Array<[string, ProvisionerGrant['limits'], Partial<IssuanceRequest>, RegExp | null]> = [
    ['no limits', undefined, { dnsNames: ['anything.example'] }, null],
    [
      'names within the globs',
      { names: ['*.devices.example', '10.0.0.*'] },
      { ipAddresses: ['10.0.0.9'] },
      null,
    ],
    [
      'a name outside',
      { names: ['*.devices.example'] },
      { dnsNames: ['api.devices.example', 'www.corp.example'] },
      /may not ask for www\.corp\.example/,
    ],
    ['the CN counts', { names: ['*.devices.example'] }, { commonName: 'root.example' }, /root\.example/],
    [
      'a URI under **',
      { names: ['spiffe://corp/**', '*.devices.example'] },
      { uris: ['spiffe://corp/ns/a'] },
      null,
    ],
    ['a key type allowed', { keyTypes: ['ec-p256'] }, {}, null],
    ['a key type not allowed', { keyTypes: ['rsa-3072'] }, {}, /ec-p256 type key \(allowed: rsa-3072\)/],
    ['a lifetime within', { maxTtlMs: 86_400_000 }, { ttlMs: 86_400_000 }, null],
    ['a lifetime beyond', { maxTtlMs: 86_400_000 }, { ttlMs: 90 * 86_400_000 }, /2160h \(at most 24h\)/],
    ['the default lifetime is capped, not refused', { maxTtlMs: 86_400_000 }, { ttlMs: null }, null],
  ];
  for (const [name, limits, overrides, refused] of cases)
    it(name, () => {
      const refusal = provisionerLimits(request(grant(limits), overrides), undefined as never);
      if (refused === null) assert.equal(refusal, undefined);
      else {
        assert.equal(refusal?.code, 'CUSTOS_PROVISIONER_LIMIT');
        assert.match(refusal.message, refused);
      }
    });

  it('caps the lifetime at maxTtl', () => {
    assert.equal(
      cappedTtlMs(request(grant({ maxTtlMs: 3_600_000 }), { ttlMs: null }), 86_400_000),
      3_600_000,
    );
    assert.equal(cappedTtlMs(request(grant(), { ttlMs: null }), 86_400_000), 86_400_000);
  });
});
