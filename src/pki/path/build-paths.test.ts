import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import {
  aCertificate,
  asCA,
  issuedBy,
  withDnsNames,
  withFreshKey,
  withoutExtensions,
  withSubject,
} from '../../../test/support/certificates.js';
import { analyseChain } from './analyse-chain.js';
import { buildPaths } from './build-paths.js';
import { readPathCertificate } from './path-certificate.js';

const options = {
  host: null,
  at: new Date(),
  knownIntermediates: [],
  expiringWithinDays: 30,
  crypto: webcrypto,
};

test('build: CAs that cross-sign each other do not loop', async () => {
  // a0 and aByB share the builder's cached key pair: the same CA, once self-signed and once cross-signed by
  // B, which A itself signed. leaf -> aByB -> B -> (A again: a loop) must end, as must leaf -> a0.
  const a0 = await aCertificate(withSubject('CN=Loop A'), asCA());
  const b = await aCertificate(withSubject('CN=Loop B'), asCA(), withFreshKey(), issuedBy(a0));
  const aByB = await aCertificate(withSubject('CN=Loop A'), asCA(), issuedBy(b));
  const leaf = await aCertificate(withDnsNames('loop.example'), withFreshKey(), issuedBy(a0));
  const stranger = await aCertificate(withSubject('CN=Unrelated Root'), asCA(), withFreshKey());
  const result = await analyseChain({
    ...options,
    served: [leaf.der, aByB.der, b.der, a0.der],
    trustAnchors: [stranger.der],
  });
  assert.equal(result.valid, false);
  assert.equal(result.complete, false);
  assert.ok(result.findings.some((f) => f.code === 'untrusted-root'));
});

test('build: many candidates with the issuer name are bounded by the signature budget', async () => {
  const issuer = await aCertificate(withSubject('CN=Crowded CA'), asCA(), withFreshKey());
  // No extensions: no authority key identifier to rule candidates out, so each costs a signature check.
  const leaf = await aCertificate(withoutExtensions(), withFreshKey(), issuedBy(issuer));
  const impostors = await Promise.all(
    Array.from({ length: 30 }, () => aCertificate(withSubject('CN=Crowded CA'), asCA(), withFreshKey())),
  );
  const read = (der: Uint8Array) => readPathCertificate(der);
  const paths = [];
  for await (const path of buildPaths({
    leaf: read(leaf.der),
    intermediates: impostors.map((c) => read(c.der)),
    trustAnchors: [],
    crypto: webcrypto,
    maxSignatureChecks: 10,
  })) {
    paths.push(path);
  }
  assert.deepEqual(
    paths.map((p) => (p.complete ? 'complete' : p.deadEnd)),
    ['bad-signature'],
  );
});
