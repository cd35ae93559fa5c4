import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyObject } from '../declarative/objects.js';
import { complianceActivation } from './activation.js';
import { compileExpression } from './cel-environment.js';
import { compilePolicies, evaluatePolicies } from './evaluate-policies.js';
import { setFlagsFromString } from 'node:v8';

// What the composition root sets for every command and the server (src/compose/regexp-engine.ts).
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

const policy = (expression: string): PolicyObject => ({
  apiVersion: 'custos/v1',
  kind: 'Policy',
  metadata: { name: 'subjects' },
  spec: {
    type: 'compliance',
    code: 'subjects',
    severity: 'low',
    validations: [{ expression, message: 'no' }],
  },
});

const withSubject = (subject: string) =>
  complianceActivation({
    certificate: {
      fingerprintSha256: 'ab'.repeat(32),
      serialNumber: '01',
      subject,
      issuer: 'CN=ca',
      subjectAltNames: { dns: [], ip: [], uri: [], email: [] },
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      keyAlgorithm: 'ECDSA',
      keySize: 256,
      signatureAlgorithm: 'ecdsa-with-SHA256',
      isCA: false,
      selfSigned: false,
      spiffeId: null,
    },
    locations: [],
    owner: 'team',
    identity: null,
    now: new Date('2026-06-01T00:00:00Z'),
  });

// Against 'aaaa…!' JavaScript's backtracking engine takes 2^n steps for these: 2^40 would run for hours.
test(
  'a pattern with catastrophic backtracking ends: matches() falls back to the linear-time engine',
  {
    timeout: 30_000,
  },
  () => {
    for (const pattern of ['^(a+)+$', '^(a|aa)+$', '^(a|a)*$', '^(?:a*)*b$', '^(\\\\w+\\\\s?)*$']) {
      const [compiled] = compilePolicies([policy(`certificate.subject.matches('${pattern}')`)]);
      for (const length of [40, 5_000]) {
        const [decision] = evaluatePolicies([compiled!], withSubject(`${'a'.repeat(length)}!`));
        assert.equal(decision!.outcome, 'fail', `${pattern} against ${length} a's`);
      }
      const [match] = evaluatePolicies([compiled!], withSubject('aaaa'));
      assert.notEqual(match!.outcome, 'error', pattern);
    }
  },
);

test('a matches() pattern the linear engine cannot take, or that is not a literal, is refused when applied', () => {
  for (const [pattern, reason] of [
    ["'^(a)\\\\1$'", /uses a backreference/],
    ["'^(?<n>a)\\\\k<n>$'", /uses a backreference/],
    ["'^(?=a)a+$'", /uses a lookaround/],
    ["'^(?<!b)a$'", /uses a lookaround/],
    ["'^(a{1,16})+$'", /counted repetition/],
    ["'^(a+){2,30}$'", /counted repetition/],
    ["'^((a{2,9})b)*$'", /counted repetition/],
    ["'^[a-z]{1,63}(\\\\.[a-z]{1,63})*$'", /counted repetition/],
    ['certificate.issuer', /must be a string literal/],
  ] as const) {
    const expression = `certificate.keySize == 256 ||\n  certificate.subject.matches(${pattern})`;
    const compiled = compileExpression(expression, 'compliance');
    assert.equal(compiled.ok, false, pattern);
    if (compiled.ok) continue;
    assert.match(compiled.message, reason, pattern);
    assert.equal(compiled.offset, expression.indexOf(pattern), pattern);
  }
});

test('ordinary patterns compile, escapes and classes included', () => {
  for (const pattern of [
    '^spiffe://[^/]+/ns/[^/]+/sa/[^/]+$',
    '^([a-z0-9-]+\\\\.)+example\\\\.com$',
    '^[a-z]{1,63}(\\\\.[a-z]+)*$',
    '^CN=[^,]{3,64}',
    '^\\\\(a+\\\\)+[(]1[)]{2}$',
    '(?:foo|bar)+',
  ]) {
    const compiled = compileExpression(`certificate.subject.matches('${pattern}')`, 'compliance');
    assert.ok(compiled.ok, `${pattern}: ${compiled.ok ? '' : compiled.message}`);
  }
});
