import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { initialStatus, type ManagedStatus } from '../managed/managed-status.js';
import { destinationsKey, endpointsKey } from '../managed/spec-keys.js';
import { decideVerify, staleEndpoints } from './verify.js';

const now = new Date('2026-01-02T00:00:00Z');
const later = new Date('2026-01-02T00:01:00Z');
const spec: ManagedCertificateSpec = {
  dnsNames: ['web.example'],
  duration: '24h',
  issuerRef: { name: 'default' },
  verify: [
    { host: '127.0.0.1', port: 8443, sni: 'web.example' },
    { host: 'web.example', port: 443 },
    { host: '::1', port: 25, starttls: 'smtp' },
  ],
};
const deployed: ManagedStatus = {
  ...initialStatus('web', now),
  revision: 2,
  fingerprintSha256: 'bb',
  deployed: { revision: 2, destinations: destinationsKey(spec) },
};

test('verify: once deployed, every endpoint is checked (SNI defaults to a host name, never an IP)', () => {
  const endpoints = [
    { host: '127.0.0.1', port: 8443, sni: 'web.example', starttls: null },
    { host: 'web.example', port: 443, sni: 'web.example', starttls: null },
    { host: '::1', port: 25, sni: null, starttls: 'smtp' },
  ];
  const verify = { kind: 'verify', revision: 2, fingerprintSha256: 'bb', endpoints };
  const table: Array<[string, ManagedStatus, ManagedCertificateSpec, unknown]> = [
    ['not issued', initialStatus('web', now), spec, null],
    ['not deployed', { ...deployed, deployed: null }, spec, null],
    [
      'deployed to other destinations',
      { ...deployed },
      { ...spec, destinations: [{ file: { certificate: '/c.pem', privateKey: '/k.pem' } }] },
      null,
    ],
    ['deployed', deployed, spec, verify],
    ['verified', { ...deployed, verified: { revision: 2, endpoints: endpointsKey(spec) } }, spec, null],
    [
      'verified, endpoints changed',
      { ...deployed, verified: { revision: 2, endpoints: '[]' } },
      spec,
      verify,
    ],
    [
      'stale, retry not due',
      { ...deployed, nextRetry: later, attempts: 1 },
      spec,
      { kind: 'wait', until: later },
    ],
    ['stale, retry due', { ...deployed, nextRetry: now, attempts: 1 }, spec, verify],
  ];
  for (const [name, status, specOf, action] of table)
    assert.deepEqual(decideVerify({ spec: specOf, status, now }), action, name);
});

test('stale endpoints: those serving another leaf or nothing readable', () => {
  const e = (port: number) => ({ host: '127.0.0.1', port, sni: 'web.example', starttls: null });
  assert.deepEqual(
    staleEndpoints('bb', [
      { endpoint: e(1), servedFingerprint: 'bb' },
      { endpoint: e(2), servedFingerprint: 'aa' },
      { endpoint: e(3), servedFingerprint: null },
    ]),
    [
      { host: '127.0.0.1', port: 2, sni: 'web.example', servedFingerprint: 'aa' },
      { host: '127.0.0.1', port: 3, sni: 'web.example', servedFingerprint: null },
    ],
  );
});
