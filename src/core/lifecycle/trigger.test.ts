import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { initialStatus, type ManagedStatus } from '../managed/managed-status.js';
import { issuedFor } from '../managed/spec-keys.js';
import { decideTrigger } from './trigger.js';

const now = new Date('2026-01-02T00:00:00Z');
const spec: ManagedCertificateSpec = {
  dnsNames: ['web.example'],
  duration: '24h',
  issuerRef: { name: 'default' },
};
const issued: ManagedStatus = {
  ...initialStatus('web', now),
  revision: 1,
  fingerprintSha256: 'aa',
  issuedFor: issuedFor(spec),
  renewalTime: new Date('2026-01-02T12:00:00Z'),
};
const issuing = {
  type: 'Issuing' as const,
  status: 'True' as const,
  reason: 'Renewing',
  message: '',
  lastTransitionTime: now,
};

test('trigger: a new revision is due when none exists, the spec changed, renewal was asked for or is due', () => {
  const table: Array<
    [name: string, status: ManagedStatus, specOf: ManagedCertificateSpec, reason: string | null]
  > = [
    ['no revision', initialStatus('web', now), spec, 'DoesNotExist'],
    ['issued, not yet due', issued, spec, null],
    ['names changed', issued, { ...spec, dnsNames: ['web.example', 'www.example'] }, 'SpecChanged'],
    ['key changed', issued, { ...spec, privateKey: { algorithm: 'RSA', size: 2048 } }, 'SpecChanged'],
    ['issuer changed', issued, { ...spec, issuerRef: { name: 'other' } }, 'SpecChanged'],
    [
      'names reordered: no change',
      { ...issued, issuedFor: issuedFor({ ...spec, dnsNames: ['web.example'] }) },
      spec,
      null,
    ],
    ['destinations changed: no new revision', issued, { ...spec, destinations: [] }, null],
    ['renew requested', { ...issued, renewRequested: true }, spec, 'ManuallyTriggered'],
    ['renewal time reached', { ...issued, renewalTime: now }, spec, 'Renewing'],
    ['renewal time passed', { ...issued, renewalTime: new Date('2026-01-01T00:00:00Z') }, spec, 'Renewing'],
    ['already issuing', { ...issued, renewalTime: now, conditions: [issuing] }, spec, null],
    [
      'failed for good for this spec: waits',
      { ...initialStatus('web', now), failedFor: issuedFor(spec) },
      spec,
      null,
    ],
    [
      'failed for good, then renew asked',
      { ...initialStatus('web', now), failedFor: issuedFor(spec), renewRequested: true },
      spec,
      'DoesNotExist',
    ],
    [
      'failed for good, then the spec changed',
      { ...initialStatus('web', now), failedFor: issuedFor(spec) },
      { ...spec, dnsNames: ['other.example'] },
      'DoesNotExist',
    ],
  ];
  for (const [name, status, specOf, reason] of table) {
    assert.equal(decideTrigger({ spec: specOf, status, now })?.reason ?? null, reason, name);
  }
});
