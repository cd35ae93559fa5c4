import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aCertificate,
  aChain,
  asCA,
  expiringIn,
  issuedBy,
  validFrom,
  withDnsNames,
  withFreshKey,
  withSubject,
} from '../../test/support/certificates.js';
import { analyseServedChain, verifyChain } from './verify-chain.js';

const DAY_MS = 86_400_000;
const { root, intermediate, leaf } = await aChain(withDnsNames('api.example.com'));
const base = {
  host: 'api.example.com',
  at: new Date(),
  trustAnchors: [root.der],
  knownIntermediates: [],
  expiringWithinDays: 30,
};
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

test('served chain: leaf + intermediate to a trusted root is trusted, with no findings', async () => {
  const result = await analyseServedChain({ ...base, served: [leaf.der, intermediate.der] });
  assert.equal(result.trusted, true);
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.path, [
    leaf.fingerprintSha256,
    intermediate.fingerprintSha256,
    root.fingerprintSha256,
  ]);
});

test('served chain: a served root at the end is allowed, as browsers do', async () => {
  const result = await analyseServedChain({ ...base, served: [leaf.der, intermediate.der, root.der] });
  assert.equal(result.trusted, true);
  assert.deepEqual(result.findings, []);
});

test('served chain: a missing intermediate known to the inventory is incomplete-chain, naming it', async () => {
  const result = await analyseServedChain({
    ...base,
    served: [leaf.der],
    knownIntermediates: [intermediate.der],
  });
  assert.equal(result.trusted, false);
  assert.deepEqual(codes(result.findings), ['incomplete-chain']);
  assert.equal(result.findings[0]!.severity, 'high');
  assert.match(result.findings[0]!.message, /Test Intermediate CA/);
  assert.match(result.findings[0]!.message, new RegExp(intermediate.fingerprintSha256.slice(0, 16)));
  assert.equal(result.path.length, 3);
});

test('served chain: an intermediate found only in the trust store is incomplete-chain too', async () => {
  const result = await analyseServedChain({
    ...base,
    served: [leaf.der],
    trustAnchors: [root.der, intermediate.der],
  });
  assert.deepEqual(codes(result.findings), ['incomplete-chain']);
  assert.equal(result.trusted, false);
});

test('served chain: an unknown intermediate leaves no path: untrusted-root', async () => {
  const result = await analyseServedChain({ ...base, served: [leaf.der] });
  assert.deepEqual(codes(result.findings), ['untrusted-root']);
  assert.deepEqual(result.path, [leaf.fingerprintSha256]);
});

test('served chain: a chain to a root that is not trusted is untrusted-root', async () => {
  const otherRoot = await aCertificate(withSubject('CN=Private Root'), asCA(), withFreshKey());
  const otherLeaf = await aCertificate(withDnsNames('api.example.com'), withFreshKey(), issuedBy(otherRoot));
  const result = await analyseServedChain({ ...base, served: [otherLeaf.der, otherRoot.der] });
  assert.equal(result.trusted, false);
  assert.deepEqual(codes(result.findings), ['untrusted-root']);
  assert.match(result.findings[0]!.message, /ends at self-signed/);
});

test('served chain: out of order and extra certificates are chain-order, and the chain stays trusted', async () => {
  const reversed = await analyseServedChain({ ...base, served: [leaf.der, root.der, intermediate.der] });
  assert.equal(reversed.trusted, true);
  assert.deepEqual(codes(reversed.findings), ['chain-order']);
  assert.match(reversed.findings[0]!.message, /not leaf-first in issuing order/);
  const stranger = await aCertificate(withSubject('CN=Stranger'), withFreshKey());
  const extra = await analyseServedChain({ ...base, served: [leaf.der, intermediate.der, stranger.der] });
  assert.deepEqual(codes(extra.findings), ['chain-order']);
  assert.match(extra.findings[0]!.message, /carries 1 certificate not on the path: 'CN=Stranger'/);
});

test('served chain: findings for intermediates name the certificate', async () => {
  const expiring = await aCertificate(
    withSubject('CN=Soon Gone CA'),
    asCA(),
    withFreshKey(),
    validFrom(new Date(Date.now() - 365 * DAY_MS)),
    expiringIn(3),
    issuedBy(root),
  );
  // Both in the last third of their lifetime, so the 30-day window is theirs (src/pki/x509/expiring-soon.ts).
  const short = await aCertificate(
    withDnsNames('api.example.com'),
    withFreshKey(),
    validFrom(new Date(Date.now() - 88 * DAY_MS)),
    expiringIn(2),
    issuedBy(expiring),
  );
  const result = await analyseServedChain({ ...base, served: [short.der, expiring.der] });
  assert.equal(result.trusted, true);
  assert.deepEqual(codes(result.findings), ['expiring-soon', 'expiring-soon']);
  assert.match(result.findings[1]!.message, /^intermediate 'CN=Soon Gone CA'/);
  assert.equal(result.findingAbout.get(result.findings[1]!), expiring.fingerprintSha256);
});

test('served chain: a malformed certificate is refused, not guessed at', async () => {
  const broken = new Uint8Array(intermediate.der);
  broken[1] = 0x80; // indefinite length: BER, not DER
  const result = await analyseServedChain({ ...base, served: [leaf.der, broken] });
  assert.equal(result.trusted, false);
  assert.ok(codes(result.findings).includes('path-invalid'));
  assert.match(result.findings.find((f) => f.code === 'path-invalid')!.message, /#2 .*malformed/);
  const onlyJunk = await analyseServedChain({ ...base, served: [new Uint8Array([0x30, 0x03, 1, 2, 3])] });
  assert.deepEqual(codes(onlyJunk.findings), ['path-invalid']);
  assert.deepEqual(onlyJunk.path, []);
});

test('served chain: the host is checked against the leaf SANs; null skips the check', async () => {
  const wrong = await analyseServedChain({
    ...base,
    host: 'www.example.com',
    served: [leaf.der, intermediate.der],
  });
  assert.deepEqual(codes(wrong.findings), ['hostname-mismatch']);
  const none = await analyseServedChain({ ...base, host: null, served: [leaf.der, intermediate.der] });
  assert.deepEqual(none.findings, []);
});

test('verify: the clock gives the time unless one is given', async () => {
  const clock = { now: () => new Date(leaf.x509.notAfter.getTime() + 1000) };
  const input = {
    leaf: leaf.der,
    chain: [intermediate.der],
    trustAnchors: [root.der],
    host: 'api.example.com',
  };
  const later = await verifyChain({ clock }, { ...input, at: null });
  assert.equal(later.valid, false);
  assert.deepEqual(codes(later.findings), ['expired']);
  assert.equal(later.at.getTime(), clock.now().getTime());
  const now = await verifyChain({ clock }, { ...input, at: new Date() });
  assert.equal(now.valid, true);
  assert.equal(now.complete, true);
  assert.deepEqual(
    now.path.map((p) => p.subject),
    ['CN=test.example', 'CN=Test Intermediate CA, O=Custos Test', 'CN=Test Root CA, O=Custos Test'],
  );
});
