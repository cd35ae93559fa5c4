import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leafOf } from './tls-metrics.js';

const cert = (fingerprintSha256: string, subject: string, issuer: string, isCA: boolean) => ({
  fingerprintSha256,
  subject,
  issuer,
  isCA,
});

test('the leaf of a served chain is the certificate that issued none of the others, whatever the order', () => {
  const root = cert('r', 'CN=Root', 'CN=Root', true);
  const intermediate = cert('i', 'CN=Issuing', 'CN=Root', true);
  const leaf = cert('l', 'CN=web', 'CN=Issuing', false);
  const cases: Array<[string, ReturnType<typeof cert>[], string | undefined]> = [
    ['leaf alone', [leaf], 'l'],
    ['leaf first', [leaf, intermediate], 'l'],
    ['intermediate first', [intermediate, leaf], 'l'],
    ['with the root, reversed', [root, intermediate, leaf], 'l'],
    ['a self-signed CA certificate served alone (openssl req -x509)', [root], 'r'],
    [
      'an unrelated extra CA: the end-entity one wins',
      [cert('x', 'CN=Other CA', 'CN=Other CA', true), leaf],
      'l',
    ],
    ['nothing served', [], undefined],
  ];
  for (const [name, chain, expected] of cases) assert.equal(leafOf(chain)?.fingerprintSha256, expected, name);
});
