/** custos verify's strict profile (the lints on every certificate of the path) and the two changes to both profiles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aChain,
  validFrom,
  validFor,
  withDnsNames,
  withExtendedKeyUsages,
  withKeyUsages,
  withSubject,
} from '../../test/support/certificates.js';
import { verifyChain } from './verify-chain.js';

const SERVER = [withExtendedKeyUsages('serverAuth'), withKeyUsages('digitalSignature')] as const;
const clock = { now: () => new Date() };

test('strict: a chain that passes every lint stays valid', async () => {
  const { root, intermediate, leaf } = await aChain(...SERVER, withDnsNames('api.example.com'));
  const input = {
    leaf: leaf.der,
    chain: [intermediate.der],
    trustAnchors: [root.der],
    host: 'api.example.com',
    at: null,
  };
  const result = await verifyChain({ clock }, { ...input, strict: true });
  assert.equal(result.valid, true, JSON.stringify(result.findings));
});

test('strict: a lint failure is path-invalid naming the lint; the default profile accepts the chain', async () => {
  const { root, intermediate, leaf } = await aChain(
    ...SERVER,
    withSubject('O=Example'),
    withDnsNames('api_1.example.com'),
  );
  const input = { leaf: leaf.der, chain: [intermediate.der], trustAnchors: [root.der], host: null, at: null };
  assert.equal((await verifyChain({ clock }, input)).valid, true);
  const strict = await verifyChain({ clock }, { ...input, strict: true });
  assert.equal(strict.valid, false);
  assert.deepEqual(
    strict.findings.map((f) => [f.code, f.message.split(':')[0]]),
    [['path-invalid', 'san-dns-name-syntax']],
  );
  assert.match(strict.findings[0]!.message, /underscore.*RFC 5280 §4\.2\.1\.6/);
});

test('strict: a leaf without extendedKeyUsage fails; its CN naming a SAN in another case fails', async () => {
  const noEku = await aChain(
    withKeyUsages('digitalSignature'),
    withDnsNames('a.example.com'),
    withSubject('O=X'),
  );
  const upper = await aChain(...SERVER, withSubject('CN=A.example.com'), withDnsNames('a.example.com'));
  for (const [chain, lint] of [
    [noEku, 'eku-present'],
    [upper, 'common-name-in-san'],
  ] as const) {
    const result = await verifyChain(
      { clock },
      {
        leaf: chain.leaf.der,
        chain: [chain.intermediate.der],
        trustAnchors: [chain.root.der],
        host: null,
        at: null,
        strict: true,
      },
    );
    assert.deepEqual(
      result.findings.map((f) => f.message.split(':')[0]),
      [lint],
    );
  }
});

test('both profiles: validity is judged to the second; an intermediate given as trust anchor is trusted', async () => {
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 86_400_000);
  const { root, intermediate, leaf } = await aChain(...SERVER, validFrom(notBefore), validFor(30));
  const notAfter = leaf.x509.notAfter;
  const base = { leaf: leaf.der, chain: [intermediate.der], trustAnchors: [root.der], host: null };
  assert.equal((await verifyChain({ clock }, { ...base, at: new Date(notAfter.getTime() + 5) })).valid, true);
  assert.equal(
    (await verifyChain({ clock }, { ...base, at: new Date(notAfter.getTime() + 1000) })).valid,
    false,
  );
  const anchored = await verifyChain(
    { clock },
    { leaf: leaf.der, chain: [root.der], trustAnchors: [intermediate.der], host: null, at: null },
  );
  assert.equal(anchored.valid, true, JSON.stringify(anchored.findings));
});
