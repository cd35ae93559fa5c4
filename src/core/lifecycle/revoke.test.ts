import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { initialStatus, type ManagedStatus } from '../managed/managed-status.js';
import { destinationsKey, endpointsKey } from '../managed/spec-keys.js';
import { decideRevoke } from './revoke.js';

const now = new Date('2026-01-02T00:00:00Z');
const spec: ManagedCertificateSpec = {
  dnsNames: ['web.example'],
  duration: '24h',
  issuerRef: { name: 'default' },
  verify: [{ host: '10.0.0.5', port: 443 }],
};
const compromised = { revision: 1, fingerprintSha256: 'aa', reason: 'keyCompromise' as const };
const live: ManagedStatus = {
  ...initialStatus('web', now),
  revision: 2,
  fingerprintSha256: 'bb',
  deployed: { revision: 2, destinations: destinationsKey(spec) },
  verified: { revision: 2, endpoints: endpointsKey(spec) },
  revokeAfterReady: [compromised],
};

test('revoke after replace: only once a newer revision is deployed and verified live', () => {
  const table: Array<[name: string, status: ManagedStatus, revokes: boolean]> = [
    ['replacement verified live', live, true],
    ['nothing marked', { ...live, revokeAfterReady: [] }, false],
    [
      'the compromised revision is still current (replacement not issued)',
      { ...live, revision: 1, fingerprintSha256: 'aa' },
      false,
    ],
    [
      'replacement issuing',
      {
        ...live,
        conditions: [
          {
            type: 'Issuing',
            status: 'True',
            reason: 'ManuallyTriggered',
            message: '',
            lastTransitionTime: now,
          },
        ],
      },
      false,
    ],
    [
      'replacement not deployed yet',
      { ...live, deployed: { revision: 1, destinations: destinationsKey(spec) } },
      false,
    ],
    ['replacement deployed, not verified', { ...live, verified: null }, false],
    [
      'replacement verified, but an endpoint is stale again',
      { ...live, staleEndpoints: [{ host: '10.0.0.5', port: 443, sni: null, servedFingerprint: 'aa' }] },
      false,
    ],
    [
      'verified against other endpoints than the spec names now',
      { ...live, verified: { revision: 2, endpoints: '[]' } },
      false,
    ],
  ];
  for (const [name, status, revokes] of table) {
    const action = decideRevoke({ spec, status });
    assert.equal(action !== null, revokes, name);
    if (action !== null) assert.deepEqual(action.revisions, [compromised], name);
  }
});
