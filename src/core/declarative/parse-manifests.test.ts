import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPolicyExpressions } from './check-policy-expressions.js';
import type { IdentityObject, OwnerObject } from './objects.js';
import { manifestError, parseManifests, type ManifestProblem } from './parse-manifests.js';

const ISSUE_EXAMPLE = `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts:
    email: [payments-oncall@corp.example]
    webhooks: [{url: "https://hooks.corp.example/custos", secret: "s3cret"}]
    slack: ["https://hooks.slack.example/services/T0/B0/x"]
  escalation:
    - after: 4h
      contacts: {email: [payments-lead@corp.example]}
---
apiVersion: custos/v1
kind: Identity
metadata: {name: payments-api}
spec:
  kind: workload
  owner: payments
  environment: prod
  spiffeId: spiffe://corp.example/ns/payments/sa/api
  labels: {namespace: payments, serviceAccount: api}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: payments-api}
spec:
  owner: payments
  order: 10
  match:
    dnsNames: ["api*.corp.example"]
    paths: ["/etc/ssl/payments/**"]
    hosts: ["10.1.2.*"]
    ports: [443]
    namespaces: [payments]
    labels: {env: prod}
---
apiVersion: custos/v1
kind: Policy
metadata: {name: rsa-minimum}
spec:
  type: compliance
  code: rsa-too-small
  severity: high
  validations:
    - expression: "certificate.keyAlgorithm != 'RSA' || certificate.keySize >= 3072"
      message: "RSA keys must be at least 3072 bits"
---
apiVersion: custos/v1
kind: Exception
metadata: {name: legacy-plc-7}
spec:
  waives: [weak-key, rsa-too-small]
  scope: {fingerprints: ["ab12cd34"]}
  reason: "PLC firmware cannot hold a 2048-bit key until the 2027 refit"
  compensatingControl: "reachable only through gateway gw-3, which terminates TLS"
  approver: ciso@corp.example
  expires: "2027-03-31T00:00:00Z"
`;

function problemsOf(text: string): ManifestProblem[] {
  const result = parseManifests(text, 'f.yaml', [checkPolicyExpressions]);
  assert.equal(result.ok, false, 'expected the file to be refused');
  return result.ok ? [] : result.problems;
}

test('the YAML forms of the issue parse into one object per document, with their lines', () => {
  const result = parseManifests(ISSUE_EXAMPLE, 'example.yaml', [checkPolicyExpressions]);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  const objects = result.manifests.map(
    (m) => `${m.object.kind}/${m.object.metadata.name}@${m.source.document}:${m.source.line}`,
  );
  assert.deepEqual(objects, [
    'Owner/payments@1:1',
    'Identity/payments-api@2:13',
    'OwnershipRule/payments-api@3:23',
    'Policy/rsa-minimum@4:37',
    'Exception/legacy-plc-7@5:48',
  ]);
  const rule = result.manifests[2]?.object;
  assert.equal(rule?.kind, 'OwnershipRule');
  if (rule?.kind === 'OwnershipRule') assert.deepEqual(rule.spec.match.ports, [443]);
  assert.equal(result.manifests[2]?.lineOf(['spec', 'match', 'hosts']), 32);
});

test('every problem of every document is reported with document, field path and line', () => {
  const problems = problemsOf(`apiVersion: custos/v1
kind: Owner
metadata: {name: Payments}
spec:
  contacts: {email: [not-an-address]}
  escalation:
    - after: 1h30m
      contacts: {pager: [x]}
---
apiVersion: custos/v2
kind: Gizmo
metadata: {name: g}
spec: {}
---
apiVersion: custos/v1
kind: Exception
metadata: {name: e}
spec:
  waives: []
  scope: {}
  reason: r
  approver: a
  expires: "next tuesday"
`);
  const seen = problems.map((p) => `${p.document}:${p.line} ${p.path}: ${p.message}`);
  assert.deepEqual(seen, [
    `1:3 metadata.name: expected a name of lower-case letters, digits, '-' and '.' (at most 63), got "Payments"`,
    '1:5 spec.contacts.email[0]: expected an email address, got "not-an-address"',
    '1:7 spec.escalation[0].after: "1h30m" is not a duration: write a positive whole number and one unit s, m, h or d (e.g. 2s, 5m, 4h, 7d)',
    '1:8 spec.escalation[0].contacts.pager: unknown field (expected email, webhooks, slack)',
    '1:8 spec.escalation[0].contacts: give at least 1 of email, webhooks, slack',
    '2:10 apiVersion: expected custos/v1, got "custos/v2"',
    '2:11 kind: expected one of Owner, Identity, OwnershipRule, Policy, Exception, ManagedCertificate, TrustBundle, got "Gizmo"',
    '3:19 spec.waives: expected at least 1 item, got 0',
    '3:20 spec.scope: give at least 1 of fingerprints, identities, selector, paths, endpoints',
    '3:19 spec.compensatingControl: required field is missing',
    '3:23 spec.expires: expected an RFC 3339 time with a zone, e.g. 2027-03-31T00:00:00Z, got "next tuesday"',
  ]);
});

test('a CEL syntax error is reported at its line inside a block expression', () => {
  const problems = problemsOf(`apiVersion: custos/v1
kind: Policy
metadata: {name: broken}
spec:
  type: compliance
  code: broken
  severity: low
  validations:
    - expression: "certificate.isCA"
      message: fine
    - expression: |
        certificate.keyAlgorithm == 'RSA' &&
        certificate.keySize >=
      message: broken
`);
  assert.equal(problems.length, 1);
  const [p] = problems;
  assert.equal(p?.path, 'spec.validations[1].expression');
  assert.equal(p?.line, 13);
  assert.match(p?.message ?? '', /^CEL: Unexpected token: EOF/);
});

test('unknown variables and fields, and non-bool expressions, are refused at apply time', () => {
  const policy = (expression: string, type = 'compliance') => `apiVersion: custos/v1
kind: Policy
metadata: {name: p}
spec:
  type: ${type}
  code: c
  severity: low
  validations:
    - expression: ${JSON.stringify(expression)}
      message: m
`;
  const table: Array<[string, string, RegExp]> = [
    ['cert.keySize > 1', 'compliance', /Unknown variable: cert/],
    ['certificate.keysize > 1', 'compliance', /No such key: keysize/],
    ['request.names.size() > 0', 'compliance', /Unknown variable: request/],
    ['certificate.isCA', 'issuance', /Unknown variable: certificate/],
    ['size(certificate.subjectAltNames)', 'compliance', /must be a bool expression, this one is int/],
  ];
  for (const [expression, type, message] of table) {
    const problems = problemsOf(policy(expression, type));
    assert.equal(problems.length, 1, expression);
    assert.equal(problems[0]?.line, 9, expression);
    assert.match(problems[0]?.message ?? '', message, expression);
  }
  assert.ok(
    parseManifests(policy("request.names.all(n, n.endsWith('.corp.example'))", 'issuance'), 'f', [
      checkPolicyExpressions,
    ]).ok,
  );
});

test('YAML syntax errors, duplicate names and empty files are problems too', () => {
  const syntax = problemsOf('apiVersion: custos/v1\nkind: Owner\nmetadata: {name: [x\n');
  assert.equal(syntax[0]?.document, 1);
  assert.match(syntax[0]?.message ?? '', /^YAML: /);

  const owner =
    'apiVersion: custos/v1\nkind: Owner\nmetadata: {name: a}\nspec: {contacts: {email: [a@b.c]}}\n';
  const twice = problemsOf(`${owner}---\n${owner}`);
  assert.deepEqual(
    twice.map((p) => [p.document, p.line, p.message]),
    [[2, 8, 'Owner/a is already declared in document 1']],
  );
  assert.equal(problemsOf('# nothing here\n---\n')[0]?.message, 'holds no objects');
});

test('the refusal is one DomainError listing every problem', () => {
  const error = manifestError(
    problemsOf('apiVersion: custos/v1\nkind: Owner\nmetadata: {name: a}\nspec: {}\n'),
  );
  assert.equal(error.code, 'CUSTOS_MANIFEST_INVALID');
  assert.equal(
    error.message,
    'f.yaml: 1 problem, nothing was applied\nf.yaml:4: document 1 (Owner/a) spec.contacts: required field is missing',
  );
});

const OWNER_PAYMENTS: OwnerObject = {
  apiVersion: 'custos/v1',
  kind: 'Owner',
  metadata: { name: 'payments' },
  spec: { contacts: { email: ['payments@corp.example'] } },
};

test('one run reports schema, CEL and reference problems together, in document order', () => {
  const text = `apiVersion: custos/v1
kind: Policy
metadata: {name: rsa-minimum}
spec:
  type: compliance
  code: rsa-too-small
  severity: urgent
  validations:
    - expression: "certificate.keySize >= 3072"
      message: fine
    - expression: "certificate.keySize >="
      message: broken
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: ghosts}
spec:
  owner: nobody
  match: {dnsNames: ["*.ghost.example"]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: web}
spec:
  owner: payments
  match: {ports: [443, 70000]}
`;
  const result = parseManifests(text, 'f.yaml', [checkPolicyExpressions], {
    owners: [OWNER_PAYMENTS],
    identities: [],
  });
  assert.equal(result.ok, false);
  const seen = result.ok ? [] : result.problems.map((p) => `${p.document}:${p.line} ${p.path}: ${p.message}`);
  assert.equal(seen.length, 4, seen.join('\n'));
  assert.equal(
    seen[0],
    '1:7 spec.severity: expected one of info, low, medium, high, critical, got string "urgent"',
  );
  assert.match(seen[1] ?? '', /^1:11 spec\.validations\[1\]\.expression: CEL: /);
  assert.equal(seen[2], '2:18 spec.owner: no Owner named "nobody" in this file or the store');
  assert.equal(seen[3], '3:26 spec.match.ports[1]: expected an integer from 1 to 65535, got number 70000');
});

test('references name an object valid in the file or stored; an invalid declaration says so', () => {
  const text = `apiVersion: custos/v1
kind: Owner
metadata: {name: broken}
spec: {contacts: {email: [not-an-address]}}
---
apiVersion: custos/v1
kind: Identity
metadata: {name: api}
spec: {kind: service, owner: broken}
---
apiVersion: custos/v1
kind: Exception
metadata: {name: e}
spec:
  waives: [weak-key]
  scope: {identities: [api, stored-id, missing-id]}
  reason: r
  compensatingControl: c
  approver: a
  expires: "2027-03-31T00:00:00Z"
`;
  const storedIdentity: IdentityObject = {
    apiVersion: 'custos/v1',
    kind: 'Identity',
    metadata: { name: 'stored-id' },
    spec: { kind: 'device', owner: 'payments' },
  };
  const result = parseManifests(text, 'f.yaml', [], {
    owners: [OWNER_PAYMENTS],
    identities: [storedIdentity],
  });
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.ok ? [] : result.problems.map((p) => `${p.document}:${p.line} ${p.path}: ${p.message}`),
    [
      '1:4 spec.contacts.email[0]: expected an email address, got "not-an-address"',
      '2:9 spec.owner: Owner "broken" is declared in document 1, which is invalid',
      '3:16 spec.scope.identities[2]: no Identity named "missing-id" in this file or the store',
    ],
  );
  // Without the store (policy test), references are not checked.
  assert.equal(parseManifests(text.replace('not-an-address', 'ops@corp.example'), 'f.yaml').ok, true);
});

test('a ManagedCertificate destination is exactly one of file, exec, webhook; a webhook in clear only to loopback', () => {
  const managed = (destinations: string) => `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: web}
spec:
  dnsNames: [web.test]
  duration: 24h
  issuerRef: {name: default}
  destinations:
${destinations}
`;
  const ok = managed(`    - exec: {command: [/usr/local/bin/install-cert, lb1], timeout: 20s}
    - webhook: {url: "https://installer.corp.example/certs", secretEnv: CUSTOS_INSTALL_SECRET, bearerTokenEnv: CUSTOS_INSTALL_TOKEN}
    - webhook: {url: "http://127.0.0.1:8080/certs"}`);
  const parsed = parseManifests(ok, 'f.yaml', [checkPolicyExpressions]);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  assert.deepEqual(
    problemsOf(
      managed(`    - {}
    - exec: {command: [a]}
      webhook: {url: "https://installer.corp.example/certs"}
    - webhook: {url: "https://installer.corp.example/certs", secretEnv: INSTALL_SECRET}
    - webhook: {url: "http://installer.corp.example/certs"}
    - exec: {command: []}`),
    ).map((p) => `${p.path}: ${p.message}`),
    [
      'spec.destinations[0]: give exactly one of file, exec, webhook',
      'spec.destinations[1]: give exactly one of file, exec, webhook, got exec and webhook',
      'spec.destinations[2].webhook.secretEnv: expected an environment variable named CUSTOS_..., got "INSTALL_SECRET"',
      'spec.destinations[3].webhook.url: the revision carries its private key: use https:// (http:// only to a loopback address)',
      'spec.destinations[4].exec.command: expected at least 1 item, got 0',
    ],
  );
});

test('a TrustBundle names each file once: two destinations of one file would rewrite it on every pass', () => {
  const parsed = parseManifests(
    `apiVersion: custos/v1
kind: TrustBundle
metadata: {name: corp}
spec:
  destinations:
    - file: {path: /etc/ssl/custos.pem}
    - file: {path: /etc/ssl/custos.pem, mode: '0640'}
`,
    'bundle.yaml',
  );
  assert.ok(!parsed.ok);
  assert.deepEqual(
    parsed.problems.map((p) => `${p.line} ${p.path}: ${p.message}`),
    ['7 spec.destinations[1].file.path: /etc/ssl/custos.pem is already the file of destinations[0]'],
  );
});
