import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExceptionObject, PolicyObject } from '../declarative/objects.js';
import type { KeyAlgorithm } from '../../pki/x509/parsed-certificate.js';
import { waiver } from '../exceptions/waivers.js';
import { complianceActivation, type PolicyCertificate } from './activation.js';
import {
  decisionOf,
  diffDecisions,
  type ComplianceDecision,
  type RecordedDecision,
} from './compliance-decisions.js';
import { DEFAULT_POLICIES } from './default-policies.js';
import { compilePolicies, complianceFindings } from './evaluate-policies.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const FP = 'ab'.repeat(32);

const certificate = (keyAlgorithm: KeyAlgorithm, keySize: number): PolicyCertificate => ({
  fingerprintSha256: FP,
  serialNumber: '01',
  subject: 'CN=plc',
  issuer: 'CN=ca',
  subjectAltNames: { dns: ['plc.corp.example'], ip: [], uri: [], email: [] },
  notBefore: NOW,
  notAfter: new Date(NOW.getTime() + 90 * 86_400_000),
  keyAlgorithm,
  keySize,
  signatureAlgorithm: 'sha256WithRSAEncryption',
  isCA: false,
  selfSigned: false,
  spiffeId: null,
});

const broken: PolicyObject = {
  apiVersion: 'custos/v1',
  kind: 'Policy',
  metadata: { name: 'broken' },
  spec: {
    type: 'compliance',
    code: 'never',
    severity: 'low',
    validations: [{ expression: 'certificate.keySize / 0 == 1', message: 'never' }],
  },
};

const exception = (waives: string[]): ExceptionObject => ({
  apiVersion: 'custos/v1',
  kind: 'Exception',
  metadata: { name: 'legacy-plc' },
  spec: {
    waives,
    scope: { fingerprints: [FP.slice(0, 8)] },
    reason: 'firmware',
    compensatingControl: 'gateway',
    approver: 'ciso@corp.example',
    expires: '2027-03-31T00:00:00Z',
  },
});

function decide(keyAlgorithm: KeyAlgorithm, keySize: number, waives: string[] = []): ComplianceDecision[] {
  const waive = waiver(waives.length === 0 ? [] : [exception(waives)], NOW);
  const activation = complianceActivation({
    certificate: certificate(keyAlgorithm, keySize),
    locations: [],
    owner: 'plant',
    identity: null,
    now: NOW,
  });
  return compilePolicies([...DEFAULT_POLICIES, broken]).map((policy) =>
    decisionOf(policy, complianceFindings([policy], activation), (findings) =>
      waive(findings, { fingerprintSha256: FP, identity: null }),
    ),
  );
}

const results = (decisions: ComplianceDecision[]) =>
  Object.fromEntries(decisions.map((d) => [d.policy, [d.result, d.code, d.exception]]));

test('one decision per compliance policy: pass, violated with its code, error, waived by the exception', () => {
  assert.deepEqual(results(decide('ECDSA', 256)), {
    'allowed-key-types': ['pass', 'key-type-not-allowed', null],
    broken: ['error', 'policy-error', null],
    'max-validity-by-environment': ['pass', 'validity-too-long', null],
    'owner-required': ['pass', 'unowned', null],
    'spiffe-id-matches-identity': ['pass', 'spiffe-id-mismatch', null],
  });
  const weak = decide('RSA', 1024);
  assert.deepEqual(results(weak)['allowed-key-types'], ['violated', 'key-type-not-allowed', null]);
  assert.match(weak.find((d) => d.policy === 'allowed-key-types')?.reason ?? '', /RSA >= 2048/);
  assert.deepEqual(results(decide('RSA', 1024, ['key-type-not-allowed']))['allowed-key-types'], [
    'waived',
    'key-type-not-allowed',
    'legacy-plc',
  ]);
});

const decision = (policy: string, result: ComplianceDecision['result'], exception: string | null = null) => ({
  policy,
  code: `${policy}-code`,
  result,
  exception,
  reason: `${policy} is ${result}`,
});
const recorded = (policy: string, result: RecordedDecision['result'], exception: string | null = null) => ({
  fingerprintSha256: FP,
  policy,
  code: `${policy}-code`,
  result,
  exception,
});

test('a first pass records and audits nothing; a first violation, error or waiver is a change from null', () => {
  const { set, cleared, changes } = diffDecisions(
    [],
    [
      {
        fingerprintSha256: FP,
        decisions: [
          decision('a', 'pass'),
          decision('b', 'violated'),
          decision('c', 'error'),
          decision('d', 'waived', 'x'),
        ],
      },
    ],
  );
  assert.deepEqual(
    set.map((r) => [r.policy, r.result, r.exception]),
    [
      ['b', 'violated', null],
      ['c', 'error', null],
      ['d', 'waived', 'x'],
    ],
  );
  assert.deepEqual(cleared, []);
  assert.deepEqual(
    changes.map((c) => [c.policy, c.oldResult, c.newResult, c.exception]),
    [
      ['b', null, 'violated', null],
      ['c', null, 'error', null],
      ['d', null, 'waived', 'x'],
    ],
  );
  assert.equal(changes[0]?.reason, 'b is violated');
});

test('the same decisions again write nothing and audit nothing', () => {
  const result = diffDecisions(
    [recorded('b', 'violated'), recorded('d', 'waived', 'x')],
    [
      {
        fingerprintSha256: FP,
        decisions: [decision('a', 'pass'), decision('b', 'violated'), decision('d', 'waived', 'x')],
      },
    ],
  );
  assert.deepEqual(result, { set: [], cleared: [], changes: [] });
});

test('every change of result, code or waiving exception is recorded and audited; a return to pass clears', () => {
  const { set, cleared, changes } = diffDecisions(
    [
      recorded('b', 'violated'),
      recorded('c', 'waived', 'x'),
      recorded('d', 'waived', 'x'),
      { ...recorded('e', 'error'), code: 'old' },
    ],
    [
      {
        fingerprintSha256: FP,
        decisions: [
          decision('a', 'violated'),
          decision('b', 'waived', 'x'),
          decision('c', 'pass'),
          decision('d', 'waived', 'y'),
          decision('e', 'error'),
        ],
      },
    ],
  );
  assert.deepEqual(
    set.map((r) => r.policy),
    ['a', 'b', 'd', 'e'],
  );
  assert.deepEqual(cleared, [{ fingerprintSha256: FP, policy: 'c' }]);
  assert.deepEqual(
    changes.map((c) => [c.policy, c.oldResult, c.newResult, c.exception]),
    [
      ['a', null, 'violated', null],
      ['b', 'violated', 'waived', 'x'],
      ['c', 'waived', 'pass', null],
      ['d', 'waived', 'waived', 'y'],
      ['e', 'error', 'error', null],
    ],
  );
});

test('the record of a policy that decides nothing any more (deleted) is cleared and retracted', () => {
  const result = diffDecisions(
    [recorded('gone', 'violated'), recorded('a', 'violated')],
    [{ fingerprintSha256: FP, decisions: [decision('a', 'violated')] }],
  );
  assert.deepEqual(result.set, []);
  assert.deepEqual(result.cleared, [{ fingerprintSha256: FP, policy: 'gone' }]);
  assert.deepEqual(
    result.changes.map((c) => [c.policy, c.code, c.oldResult, c.newResult]),
    [['gone', 'gone-code', 'violated', 'retracted']],
  );
});

test('records of certificates not evaluated now are left alone', () => {
  const result = diffDecisions(
    [{ ...recorded('gone', 'violated'), fingerprintSha256: 'other' }],
    [{ fingerprintSha256: FP, decisions: [decision('a', 'pass')] }],
  );
  assert.deepEqual(result, { set: [], cleared: [], changes: [] });
});
