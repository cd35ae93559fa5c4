import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateFindings, type CertificateFindingsContext } from './certificate-findings.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
type Fields = Parameters<typeof certificateFindings>[0];

/** What `openssl req -x509 -subj /CN=app.internal` makes: self-signed, CA:TRUE, no SAN, SHA-256. */
const opensslSelfSigned = (overrides: Partial<Fields> = {}): Fields => ({
  fingerprintSha256: 'ab'.repeat(32),
  serialNumber: '01',
  subject: 'CN=app.internal',
  issuer: 'CN=app.internal',
  commonName: 'app.internal',
  subjectAltNames: { dns: [], ip: [], uri: [], email: [] },
  notBefore: NOW,
  notAfter: new Date(NOW.getTime() + 90 * DAY),
  keyAlgorithm: 'ECDSA',
  keySize: 256,
  curve: 'P-256',
  signatureAlgorithm: 'ecdsa-with-SHA256',
  isCA: true,
  pathLength: null,
  extendedKeyUsage: null,
  selfSigned: true,
  spiffeId: null,
  subjectKeyId: '01',
  authorityKeyId: '01',
  publicKeySha256: 'cd'.repeat(32),
  version: 3,
  ...overrides,
});

const context = (overrides: Partial<CertificateFindingsContext> = {}): CertificateFindingsContext => ({
  at: NOW,
  expiringWithinDays: 30,
  locationsWithKeys: [],
  pairedKeys: [],
  missingKeyFiles: [],
  servedOverTls: false,
  ownKeyBeside: false,
  ...overrides,
});

const codes = (fields: Fields, ctx: CertificateFindingsContext): string[] =>
  certificateFindings(fields, ctx).map((f) => f.code);

test('a CA:TRUE self-signed certificate used as an end entity is self-signed', () => {
  assert.deepEqual(codes(opensslSelfSigned(), context({ servedOverTls: true })), ['self-signed']);
  assert.deepEqual(codes(opensslSelfSigned(), context({ ownKeyBeside: true })), ['self-signed']);
  const withSan = opensslSelfSigned({
    subjectAltNames: { dns: ['app.internal'], ip: [], uri: [], email: [] },
  });
  assert.deepEqual(codes(withSan, context()), ['self-signed']);
  for (const purpose of ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'])
    // serverAuth, clientAuth
    assert.deepEqual(codes(opensslSelfSigned({ extendedKeyUsage: [purpose] }), context()), ['self-signed']);
  // Any other purpose (here codeSigning) says nothing of TLS use: such a root stays a root.
  assert.deepEqual(codes(opensslSelfSigned({ extendedKeyUsage: ['1.3.6.1.5.5.7.3.3'] }), context()), []);
});

test('a root that only sits in a trust bundle is not, and its SHA-1 self-signature is not weak', () => {
  assert.deepEqual(codes(opensslSelfSigned(), context()), []);
  assert.deepEqual(codes(opensslSelfSigned({ signatureAlgorithm: 'sha1WithRSAEncryption' }), context()), []);
  assert.deepEqual(
    codes(
      opensslSelfSigned({ signatureAlgorithm: 'sha1WithRSAEncryption' }),
      context({ servedOverTls: true }),
    ),
    ['weak-signature', 'self-signed'],
  );
});

test('expiring-soon: the 30-day window, or the last third of a shorter lifetime', () => {
  const codes = (lifetimeMs: number, leftMs: number): string[] =>
    certificateFindings(
      opensslSelfSigned({
        notBefore: new Date(NOW.getTime() + leftMs - lifetimeMs),
        notAfter: new Date(NOW.getTime() + leftMs),
      }),
      context(),
    ).map((f) => f.code);
  const HOUR = 3_600_000;
  const cases: Array<[string, number, number, boolean]> = [
    ['a 1-year certificate with 31 days left', 365 * DAY, 31 * DAY, false],
    ['a 1-year certificate with 30 days left', 365 * DAY, 30 * DAY, true],
    ['a 90-day certificate with 30 days left', 90 * DAY, 30 * DAY, true],
    ['a 24-hour certificate just issued', 24 * HOUR, 24 * HOUR, false],
    ['a 24-hour certificate with 9 hours left', 24 * HOUR, 9 * HOUR, false],
    ['a 24-hour certificate with 8 hours left', 24 * HOUR, 8 * HOUR, true],
    ['a 7-day certificate with 3 days left', 7 * DAY, 3 * DAY, false],
    ['a 7-day certificate with 2 days left', 7 * DAY, 2 * DAY, true],
  ];
  for (const [what, lifetime, left, expected] of cases)
    assert.equal(codes(lifetime, left).includes('expiring-soon'), expected, what);
  const message = certificateFindings(
    opensslSelfSigned({
      notBefore: new Date(NOW.getTime() - 20 * HOUR),
      notAfter: new Date(NOW.getTime() + 4 * HOUR),
    }),
    context(),
  ).find((f) => f.code === 'expiring-soon')?.message;
  assert.match(message ?? '', /^expires in 4 hours/);
});

test('key-mismatch: a paired key file holding another key names both files; its own key, or none read, is fine', () => {
  const leaf = opensslSelfSigned({ isCA: false, selfSigned: false, issuer: 'CN=Issuing CA' });
  const pair = {
    certificatePath: '/etc/ssl/web.crt',
    keyPath: '/etc/ssl/private/web.key',
    layout: 'nginx' as const,
    source: '/etc/nginx/sites/web.conf',
  };
  const mismatch = (keys: string[]): string | undefined =>
    certificateFindings(leaf, context({ pairedKeys: [{ pair, keys }] })).find(
      (f) => f.code === 'key-mismatch',
    )?.message;
  assert.equal(
    mismatch(['ef'.repeat(32)]),
    'the private key in /etc/ssl/private/web.key does not belong to the certificate in /etc/ssl/web.crt ' +
      '(paired by ssl_certificate / ssl_certificate_key in /etc/nginx/sites/web.conf)',
  );
  assert.equal(mismatch([leaf.publicKeySha256]), undefined);
  assert.equal(mismatch([]), undefined, 'an encrypted key no password opened is not judged');
});
