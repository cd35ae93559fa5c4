import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { initialStatus, type ManagedStatus } from '../managed/managed-status.js';
import { decideIssuing, type IssuingAction } from './issuing.js';

const now = new Date('2026-01-02T00:00:00Z');
const later = new Date('2026-01-02T00:01:00Z');
const spec: ManagedCertificateSpec = {
  dnsNames: ['web.example'],
  duration: '24h',
  issuerRef: { name: 'default' },
};
const issuing = [
  {
    type: 'Issuing' as const,
    status: 'True' as const,
    reason: 'Renewing',
    message: '',
    lastTransitionTime: now,
  },
];
const pending = {
  revision: 2,
  sealedPrivateKey: 'sealed',
  publicKeySpki: new Uint8Array([0x30]),
  requestKey: 'managed/web/2',
  issuedFor: '{}',
  reason: 'Renewing',
};
const base: ManagedStatus = { ...initialStatus('web', now), revision: 1, fingerprintSha256: 'aa' };

test('issuing: issue when Issuing is set or an issuance is pending, unless its retry is not due', () => {
  const never: ManagedCertificateSpec = {
    ...spec,
    privateKey: { algorithm: 'ECDSA', rotationPolicy: 'Never' },
  };
  const table: Array<[string, ManagedStatus, ManagedCertificateSpec, IssuingAction]> = [
    ['nothing asked', base, spec, null],
    ['Issuing set', { ...base, conditions: issuing }, spec, { kind: 'issue', reuseCurrentKey: false }],
    ['pending after a crash', { ...base, pending }, spec, { kind: 'issue', reuseCurrentKey: false }],
    [
      'rotation Never keeps the key',
      { ...base, conditions: issuing },
      never,
      { kind: 'issue', reuseCurrentKey: true },
    ],
    [
      'rotation Never, first revision: a new key',
      { ...initialStatus('web', now), conditions: issuing },
      never,
      { kind: 'issue', reuseCurrentKey: false },
    ],
    [
      'retry not yet due',
      { ...base, conditions: issuing, nextRetry: later },
      spec,
      { kind: 'wait', until: later },
    ],
    [
      'retry due',
      { ...base, conditions: issuing, nextRetry: now },
      spec,
      { kind: 'issue', reuseCurrentKey: false },
    ],
  ];
  for (const [name, status, specOf, action] of table)
    assert.deepEqual(decideIssuing({ spec: specOf, status, now }), action, name);
});
