import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import type { OwnerObject } from './objects.js';
import { parseManifests, type StoredObjects } from './parse-manifests.js';
import { REDACTED } from '../redaction.js';
import { redactSecrets } from './webhook-secrets.js';

const STORED: OwnerObject = {
  apiVersion: 'custos/v1',
  kind: 'Owner',
  metadata: { name: 'payments' },
  spec: {
    contacts: {
      email: ['payments@corp.example'],
      webhooks: [
        { url: 'https://hooks.corp.example/a', secret: 'secret-a' },
        { url: 'https://hooks.corp.example/b', secret: 'secret-b' },
      ],
    },
    escalation: [
      {
        after: '4h',
        contacts: { webhooks: [{ url: 'https://hooks.corp.example/a', secret: 'lead-secret-a' }] },
      },
    ],
  },
};
const STORE: StoredObjects = { owners: [STORED], identities: [] };

test('get prints every webhook secret as the marker, at every level', () => {
  const shown = redactSecrets(STORED);
  assert.equal(shown.kind, 'Owner');
  if (shown.kind !== 'Owner') return;
  assert.deepEqual(
    [...(shown.spec.contacts.webhooks ?? []), ...(shown.spec.escalation?.[0]?.contacts.webhooks ?? [])].map(
      (w) => w.secret,
    ),
    [REDACTED, REDACTED, REDACTED],
  );
  assert.equal(STORED.spec.contacts.webhooks?.[0]?.secret, 'secret-a', 'the stored object is left as it is');
});

test('applying what get printed keeps every stored secret, level by level', () => {
  const result = parseManifests(stringify(redactSecrets(STORED)), 'owners.yaml', [], STORE);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  assert.deepEqual(result.manifests[0]?.object, STORED);
});

test('a marker keeps the URL secret of the same owner, from another level when it moved', () => {
  const text = `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts:
    webhooks:
      - {url: "https://hooks.corp.example/b", secret: "rotated"}
  escalation:
    - after: 1h
      contacts: {webhooks: [{url: "https://hooks.corp.example/b", secret: "${REDACTED}"}]}
`;
  const result = parseManifests(text, 'f.yaml', [], STORE);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  const owner = result.manifests[0]?.object;
  assert.equal(owner?.kind, 'Owner');
  if (owner?.kind !== 'Owner') return;
  assert.equal(owner.spec.contacts.webhooks?.[0]?.secret, 'rotated');
  assert.equal(owner.spec.escalation?.[0]?.contacts.webhooks?.[0]?.secret, 'secret-b');
});

test('a marker with no stored secret to keep is a problem of the file, with the other problems', () => {
  const text = `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts:
    webhooks:
      - {url: "https://hooks.corp.example/new", secret: "${REDACTED}"}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: web}
spec:
  contacts:
    email: [nobody]
    webhooks: [{url: "https://hooks.corp.example/a", secret: "${REDACTED}"}]
`;
  const result = parseManifests(text, 'f.yaml', [], STORE);
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.ok ? [] : result.problems.map((p) => `${p.document}:${p.line} ${p.path}: ${p.message}`),
    [
      `1:7 spec.contacts.webhooks[0].secret: "(redacted)" keeps a stored secret, but Owner/payments has none stored for https://hooks.corp.example/new: write the secret itself`,
      '2:14 spec.contacts.email[0]: expected an email address, got "nobody"',
      `2:15 spec.contacts.webhooks[0].secret: "(redacted)" keeps a stored secret, but Owner/web has none stored for https://hooks.corp.example/a: write the secret itself`,
    ],
  );
});

const WITH_TOKENS: OwnerObject = {
  apiVersion: 'custos/v1',
  kind: 'Owner',
  metadata: { name: 'payments' },
  spec: {
    contacts: {
      webhooks: [{ url: 'https://bot:pw@hooks.corp.example/in?token=t0ken-1&team=x', secret: 'secret-a' }],
      slack: ['https://hooks.slack.com/services/T000/B000/sl4ck-t0ken'],
    },
  },
};

test('get redacts the token parts of webhook and Slack URLs unless asked to show them', () => {
  const shown = redactSecrets(WITH_TOKENS);
  const text = JSON.stringify(shown);
  for (const token of ['t0ken-1', 'sl4ck-t0ken', 'bot', 'pw', 'T000', 'secret-a']) {
    assert.ok(!text.includes(token), `${token} is printed`);
  }
  assert.ok(shown.kind === 'Owner');
  assert.deepEqual(
    shown.spec.contacts.webhooks?.[0]?.url,
    `https://${REDACTED}@hooks.corp.example/in?token=${REDACTED}&team=${REDACTED}`,
  );
  assert.deepEqual(shown.spec.contacts.slack, [`https://hooks.slack.com/${REDACTED}`]);
  const whole = redactSecrets(WITH_TOKENS, true);
  assert.ok(whole.kind === 'Owner');
  assert.deepEqual(whole.spec.contacts.slack, WITH_TOKENS.spec.contacts.slack);
  assert.equal(whole.spec.contacts.webhooks?.[0]?.secret, REDACTED, 'signing secrets are never shown');
});

test('applying redacted URLs back keeps the stored ones; one with nothing stored is a problem', () => {
  const store: StoredObjects = { owners: [WITH_TOKENS], identities: [] };
  const result = parseManifests(stringify(redactSecrets(WITH_TOKENS)), 'owners.yaml', [], store);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  assert.deepEqual(result.manifests[0]?.object, WITH_TOKENS);
  const other = parseManifests(
    stringify(redactSecrets(WITH_TOKENS)).replace('hooks.slack.com', 'hooks.other.example'),
    'owners.yaml',
    [],
    store,
  );
  assert.equal(other.ok, false);
  assert.match(
    other.ok ? '' : (other.problems[0]?.message ?? ''),
    /keeps a stored Slack URL, but Owner\/payments has none stored that reads https:\/\/hooks\.other\.example\/\(redacted\)/,
  );
});
