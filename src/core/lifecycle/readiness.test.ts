import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { initialStatus, type ManagedStatus } from '../managed/managed-status.js';
import { destinationsKey, endpointsKey } from '../managed/spec-keys.js';
import { readiness } from './readiness.js';

const now = new Date('2026-01-02T00:00:00Z');
const spec: ManagedCertificateSpec = {
  dnsNames: ['web.example'],
  duration: '24h',
  issuerRef: { name: 'default' },
  verify: [{ host: '127.0.0.1', port: 8443, sni: 'web.example' }],
};
const issued: ManagedStatus = { ...initialStatus('web', now), revision: 2, fingerprintSha256: 'bb' };
const deployed: ManagedStatus = { ...issued, deployed: { revision: 2, destinations: destinationsKey(spec) } };
const verified: ManagedStatus = { ...deployed, verified: { revision: 2, endpoints: endpointsKey(spec) } };

test('readiness: Ready only when deployed and served everywhere; DeployedPartially names the stale endpoints', () => {
  const stale = [{ host: '127.0.0.1', port: 8443, sni: 'web.example', servedFingerprint: 'aa' }];
  const failed = {
    type: 'Failed' as const,
    status: 'True' as const,
    reason: 'IssueFailed',
    message: 'refused',
    lastTransitionTime: now,
  };
  const table: Array<[string, ManagedStatus, Array<[type: string, status: string, reason: string]>]> = [
    ['nothing issued', initialStatus('web', now), [['Ready', 'False', 'NotIssued']]],
    [
      'failed for good',
      { ...initialStatus('web', now), conditions: [failed] },
      [['Ready', 'False', 'IssueFailed']],
    ],
    ['issued', issued, [['Ready', 'False', 'Deploying']]],
    ['deploy failed', { ...issued, attempts: 2 }, [['Ready', 'False', 'DeployFailed']]],
    ['deployed', deployed, [['Ready', 'False', 'Verifying']]],
    [
      'stale endpoints',
      { ...deployed, staleEndpoints: stale },
      [
        ['Ready', 'False', 'StaleEndpoints'],
        ['DeployedPartially', 'True', 'StaleEndpoints'],
      ],
    ],
    [
      'verified',
      verified,
      [
        ['Ready', 'True', 'Ready'],
        ['DeployedPartially', 'False', 'AllEndpointsServe'],
      ],
    ],
  ];
  for (const [name, status, expected] of table)
    assert.deepEqual(
      readiness({ spec, status, now }).map((c) => [c.type, c.status, c.reason]),
      expected,
      name,
    );
  const [, partial] = readiness({ spec, status: { ...deployed, staleEndpoints: stale }, now });
  assert.match(partial?.message ?? '', /127\.0\.0\.1:8443 \(web\.example\) serves aa/);
});
