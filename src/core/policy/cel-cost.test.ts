import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyObject } from '../declarative/objects.js';
import { complianceActivation, type PolicyCertificate } from './activation.js';
import { compileExpression } from './cel-environment.js';
import {
  compilePolicies,
  complianceFindings,
  evaluatePolicies,
  policyFindings,
} from './evaluate-policies.js';

const HUNDRED = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
const nested = (method: string, depth: number, inner: string): string =>
  depth === 0 ? inner : `${HUNDRED}.${method}(x${depth}, ${nested(method, depth - 1, inner)})`;

test('an expression whose cost bound is above the budget is refused when compiled, pointing at the loop', () => {
  for (const expression of [
    nested('all', 5, 'true'),
    `${nested('map', 4, '1').replace(/\)$/, '')}).size() > 0`,
    'certificate.subjectAltNames.all(a, certificate.subjectAltNames.all(b, certificate.subjectAltNames.all(c, a != b)))',
  ]) {
    const compiled = compileExpression(`true &&\n  ${expression}`, 'compliance');
    assert.equal(compiled.ok, false, expression);
    if (compiled.ok) continue;
    assert.match(compiled.message, /may take [\d,]+ evaluation steps, above the 1,000,000 allowed/);
    assert.equal(compiled.offset, '`true &&\n  '.length - 1, 'the outermost comprehension over the budget');
  }
});

test('ordinary expressions compile; their list limit follows their nesting', () => {
  const plain = compileExpression(
    "certificate.keyAlgorithm != 'RSA' || certificate.keySize >= 2048",
    'compliance',
  );
  assert.ok(plain.ok && plain.listLimit === Infinity);
  const one = compileExpression("certificate.subjectAltNames.all(n, n.endsWith('.example'))", 'compliance');
  assert.ok(one.ok && one.listLimit > 100_000);
  const two = compileExpression(
    'certificate.subjectAltNames.all(a, locations.exists(l, true))',
    'compliance',
  );
  assert.ok(two.ok && two.listLimit >= 100 && two.listLimit < 1_000, String(two.ok && two.listLimit));
  assert.ok(
    compileExpression(nested('all', 2, 'true'), 'compliance').ok,
    'a 100 x 100 loop is within the budget',
  );
});

const policy = (expression: string): PolicyObject => ({
  apiVersion: 'custos/v1',
  kind: 'Policy',
  metadata: { name: 'pairs' },
  spec: { type: 'compliance', code: 'pairs', severity: 'low', validations: [{ expression, message: 'no' }] },
});

const withNames = (count: number): PolicyCertificate => ({
  fingerprintSha256: 'ab'.repeat(32),
  serialNumber: '01',
  subject: 'CN=api',
  issuer: 'CN=ca',
  subjectAltNames: {
    dns: Array.from({ length: count }, (_, i) => `n${i}.example`),
    ip: [],
    uri: [],
    email: [],
  },
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
  keyAlgorithm: 'ECDSA',
  keySize: 256,
  signatureAlgorithm: 'ecdsa-with-SHA256',
  isCA: false,
  selfSigned: false,
  spiffeId: null,
});

test('an input with lists longer than the budget allows is a policy-error finding, not evaluated', () => {
  const [compiled] = compilePolicies([
    policy('certificate.subjectAltNames.all(a, certificate.subjectAltNames.exists(b, a == b))'),
  ]);
  const activation = (count: number) =>
    complianceActivation({
      certificate: withNames(count),
      locations: [],
      owner: 'team',
      identity: null,
      now: new Date('2026-06-01T00:00:00Z'),
    });
  assert.deepEqual(complianceFindings([compiled!], activation(50)), []);
  const decisions = evaluatePolicies([compiled!], activation(20_000));
  assert.equal(decisions[0]!.outcome, 'error');
  assert.match(
    decisions[0]!.reason,
    /not evaluated: with a list of 20000 elements .* 1,000,000 evaluation steps/,
  );
  assert.deepEqual(
    policyFindings(decisions).map((f) => f.code),
    ['policy-error'],
  );
  assert.deepEqual(
    complianceFindings([compiled!], activation(20_000)).map((f) => f.code),
    ['policy-error'],
  );
});
