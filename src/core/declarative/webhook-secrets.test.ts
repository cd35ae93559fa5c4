import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import type { OwnerObject } from './objects.js';
import { parseManifests, type StoredObjects } from './parse-manifests.js';
import { REDACTED_SECRET, redactSecrets } from './webhook-secrets.js';

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
    [REDACTED_SECRET, REDACTED_SECRET, REDACTED_SECRET],
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
      contacts: {webhooks: [{url: "https://hooks.corp.example/b", secret: "${REDACTED_SECRET}"}]}
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
      - {url: "https://hooks.corp.example/new", secret: "${REDACTED_SECRET}"}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: web}
spec:
  contacts:
    email: [nobody]
    webhooks: [{url: "https://hooks.corp.example/a", secret: "${REDACTED_SECRET}"}]
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
