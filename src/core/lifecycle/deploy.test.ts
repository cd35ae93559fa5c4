import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { initialStatus, type ManagedStatus } from '../managed/managed-status.js';
import { destinationsKey } from '../managed/spec-keys.js';
import { decideDeploy, type DeployAction } from './deploy.js';

const now = new Date('2026-01-02T00:00:00Z');
const later = new Date('2026-01-02T00:01:00Z');
const spec: ManagedCertificateSpec = {
  dnsNames: ['web.example'],
  duration: '24h',
  issuerRef: { name: 'default' },
  destinations: [{ file: { certificate: '/tls/web.crt', privateKey: '/tls/web.key' } }],
};
const issued: ManagedStatus = { ...initialStatus('web', now), revision: 2, fingerprintSha256: 'bb' };

test('deploy: the current revision goes out once issued, again when the destinations change, after a retry wait', () => {
  const moved: ManagedCertificateSpec = {
    ...spec,
    destinations: [{ file: { certificate: '/tls2/web.crt', privateKey: '/tls2/web.key' } }],
  };
  const table: Array<[string, ManagedStatus, ManagedCertificateSpec, DeployAction]> = [
    ['nothing issued', initialStatus('web', now), spec, null],
    ['issued, never deployed', issued, spec, { kind: 'deploy', revision: 2 }],
    [
      'previous revision deployed',
      { ...issued, deployed: { revision: 1, destinations: destinationsKey(spec) } },
      spec,
      { kind: 'deploy', revision: 2 },
    ],
    ['deployed', { ...issued, deployed: { revision: 2, destinations: destinationsKey(spec) } }, spec, null],
    [
      'destinations changed',
      { ...issued, deployed: { revision: 2, destinations: destinationsKey(spec) } },
      moved,
      { kind: 'deploy', revision: 2 },
    ],
    ['retry not due', { ...issued, nextRetry: later, attempts: 1 }, spec, { kind: 'wait', until: later }],
    ['retry due', { ...issued, nextRetry: now, attempts: 1 }, spec, { kind: 'deploy', revision: 2 }],
    [
      'a renewal under way: wait for it',
      {
        ...issued,
        conditions: [
          { type: 'Issuing', status: 'True', reason: 'Renewing', message: '', lastTransitionTime: now },
        ],
      },
      spec,
      null,
    ],
  ];
  for (const [name, status, specOf, action] of table)
    assert.deepEqual(decideDeploy({ spec: specOf, status, now }), action, name);
});
