// Differential test of the lean reader on certificates made by openssl (`req -x509`, `x509 -req`), compared
// with @peculiar/x509 field by field and with `openssl x509 -text` for the fingerprint, serial, signature
// algorithm, version and key size; builder certificates are cross-checked with openssl too.
// Deliberate differences from openssl: a negative serial is the hex of its two's complement bytes, as
// @peculiar/x509 gives it ("fb2e", where openssl prints "-04d2"); Ed25519/Ed448 are spelled so (openssl:
// ED25519/ED448). Differences from @peculiar/x509: see assertAgreesWithPeculiar.
import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCertificate } from '../../src/pki/x509/lean-reader.js';
import type { ParsedCertificate } from '../../src/pki/x509/parsed-certificate.js';
import { assertAgreesWithPeculiar, openssl, opensslView } from '../support/certificate-oracles.js';
import {
  aCertificate,
  aChain,
  asCA,
  withIpAddresses,
  withKey,
  withoutExtensions,
  withSignatureHash,
  withSubject,
  withUris,
} from '../support/certificates.js';

const OPENSSL_SIGNATURE_NAMES: Record<string, string> = { ED25519: 'Ed25519', ED448: 'Ed448' };

/** Asserts the lean reading against openssl's (a negative serial is the deliberate difference above). */
function assertAgreesWithOpenssl(parsed: ParsedCertificate): void {
  const seen = opensslView(parsed.der);
  assert.equal(parsed.fingerprintSha256, seen.fingerprintSha256);
  if (!seen.serialNumber.startsWith('-')) assert.equal(parsed.serialNumber, seen.serialNumber);
  assert.equal(
    parsed.signatureAlgorithm,
    OPENSSL_SIGNATURE_NAMES[seen.signatureAlgorithm] ?? seen.signatureAlgorithm,
  );
  assert.equal(parsed.version, seen.version);
  if (seen.keyBits !== null && parsed.keyAlgorithm !== 'unknown') assert.equal(parsed.keySize, seen.keyBits);
}

interface OpensslFixture {
  name: string;
  /** openssl argument lists, run in order in a fresh directory; the last one writes cert.pem. */
  commands: string[][];
  expect: Partial<ParsedCertificate>;
}

const req = (...args: string[]): string[] => [
  'req',
  '-x509',
  '-nodes',
  '-out',
  'cert.pem',
  '-days',
  '30',
  ...args,
];
const newKey = (spec: string, ...opts: string[]): string[][] => [
  ['genpkey', '-algorithm', spec, ...opts, '-out', 'key.pem'],
];

const FIXTURES: OpensslFixture[] = [
  {
    name: 'RSA 2048 with every kept SAN type and a UTF-8 subject',
    commands: [
      ...newKey('RSA', '-pkeyopt', 'rsa_keygen_bits:2048'),
      req(
        '-key',
        'key.pem',
        '-utf8',
        '-subj',
        '/C=DE/ST=Bayern/L=München/O=Example GmbH/OU=Ops/CN=openssl.example/emailAddress=ops@example.com',
        '-addext',
        'subjectAltName=DNS:openssl.example,DNS:*.openssl.example,IP:10.1.2.3,IP:2001:db8::5,email:a@example.com,URI:spiffe://corp.example/ns/a/sa/b',
      ),
    ],
    expect: {
      keyAlgorithm: 'RSA',
      commonName: 'openssl.example',
      spiffeId: 'spiffe://corp.example/ns/a/sa/b',
      subjectAltNames: {
        dns: ['openssl.example', '*.openssl.example'],
        ip: ['10.1.2.3', '2001:db8::5'],
        uri: ['spiffe://corp.example/ns/a/sa/b'],
        email: ['a@example.com'],
      },
      selfSigned: true,
    },
  },
  {
    name: 'v1 certificate without extensions (x509 -req without extfile)',
    commands: [
      ...newKey('RSA', '-pkeyopt', 'rsa_keygen_bits:1024'),
      ['req', '-new', '-key', 'key.pem', '-subj', '/CN=v1.example', '-out', 'csr.pem'],
      ['x509', '-req', '-in', 'csr.pem', '-signkey', 'key.pem', '-days', '30', '-out', 'cert.pem'],
    ],
    expect: {
      version: 1,
      subjectKeyId: null,
      authorityKeyId: null,
      isCA: false,
      keySize: 1024,
      selfSigned: true,
    },
  },
  {
    name: 'notAfter after 2050 (GeneralizedTime)',
    commands: [
      ...newKey('EC', '-pkeyopt', 'ec_paramgen_curve:P-256'),
      req('-key', 'key.pem', '-subj', '/CN=long', '-days', '10000'),
    ],
    expect: { keyAlgorithm: 'ECDSA', curve: 'P-256' },
  },
  {
    name: 'serial with the leading bit set (DER pads a 0x00)',
    commands: [
      ...newKey('EC', '-pkeyopt', 'ec_paramgen_curve:P-384'),
      req('-key', 'key.pem', '-subj', '/CN=s', '-set_serial', '0x80a1b2c3d4'),
    ],
    expect: { serialNumber: '80a1b2c3d4', keySize: 384 },
  },
  {
    name: 'serial 0',
    commands: [
      ...newKey('EC', '-pkeyopt', 'ec_paramgen_curve:P-521'),
      req('-key', 'key.pem', '-subj', '/CN=s', '-set_serial', '0'),
    ],
    expect: { serialNumber: '00', keySize: 521 },
  },
  {
    name: "negative serial -1234 (two's complement hex, as @peculiar/x509)",
    commands: [...newKey('ED25519'), req('-key', 'key.pem', '-subj', '/CN=neg', '-set_serial', '-1234')],
    expect: { serialNumber: 'fb2e', keyAlgorithm: 'Ed25519', signatureAlgorithm: 'Ed25519' },
  },
  {
    name: 'Ed448',
    commands: [...newKey('ED448'), req('-key', 'key.pem', '-subj', '/CN=ed448')],
    expect: { keyAlgorithm: 'Ed448', keySize: 456, signatureAlgorithm: 'Ed448' },
  },
  {
    name: 'secp256k1 (curve as OID)',
    commands: [
      ...newKey('EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'),
      req('-key', 'key.pem', '-subj', '/CN=k1'),
    ],
    expect: { keyAlgorithm: 'ECDSA', keySize: 256, curve: '1.3.132.0.10' },
  },
  {
    name: 'brainpoolP384r1',
    commands: [
      ...newKey('EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP384r1'),
      req('-key', 'key.pem', '-subj', '/CN=bp'),
    ],
    expect: { keyAlgorithm: 'ECDSA', keySize: 384, curve: '1.3.36.3.3.2.8.1.1.11' },
  },
  {
    name: 'P-224',
    commands: [
      ...newKey('EC', '-pkeyopt', 'ec_paramgen_curve:P-224'),
      req('-key', 'key.pem', '-subj', '/CN=p224'),
    ],
    expect: { keyAlgorithm: 'ECDSA', keySize: 224, curve: '1.3.132.0.33' },
  },
  {
    name: 'ECDSA with SHA-1',
    commands: [
      ...newKey('EC', '-pkeyopt', 'ec_paramgen_curve:P-256'),
      req('-key', 'key.pem', '-subj', '/CN=sha1', '-sha1'),
    ],
    expect: { signatureAlgorithm: 'ecdsa-with-SHA1' },
  },
  {
    name: 'RSA with MD5',
    commands: [
      ...newKey('RSA', '-pkeyopt', 'rsa_keygen_bits:2048'),
      req('-key', 'key.pem', '-subj', '/CN=md5', '-md5'),
    ],
    expect: { signatureAlgorithm: 'md5WithRSAEncryption' },
  },
  {
    name: 'RSA key, PSS signature',
    commands: [
      ...newKey('RSA', '-pkeyopt', 'rsa_keygen_bits:2048'),
      req('-key', 'key.pem', '-subj', '/CN=pss', '-sigopt', 'rsa_padding_mode:pss'),
    ],
    expect: { keyAlgorithm: 'RSA', keySize: 2048, signatureAlgorithm: 'rsassaPss' },
  },
  {
    name: 'RSA-PSS key',
    commands: [
      ...newKey('RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'),
      req('-key', 'key.pem', '-subj', '/CN=pss-key'),
    ],
    expect: { keyAlgorithm: 'RSA', keySize: 2048, signatureAlgorithm: 'rsassaPss' },
  },
  {
    name: 'DSA (unknown key algorithm)',
    commands: [
      [
        'genpkey',
        '-genparam',
        '-algorithm',
        'DSA',
        '-pkeyopt',
        'dsa_paramgen_bits:1024',
        '-out',
        'params.pem',
      ],
      ['genpkey', '-paramfile', 'params.pem', '-out', 'key.pem'],
      req('-key', 'key.pem', '-subj', '/CN=dsa'),
    ],
    expect: { keyAlgorithm: 'unknown', keySize: null, signatureAlgorithm: 'dsa_with_SHA256' },
  },
  {
    name: 'CA with pathlen, multi-valued RDN and escaped characters',
    commands: [
      ...newKey('EC', '-pkeyopt', 'ec_paramgen_curve:P-256'),
      req(
        '-key',
        'key.pem',
        '-multivalue-rdn',
        '-subj',
        '/CN=Root\\, Inc+OU=PKI/O=a\\+b "q" <x>;y/DC=corp/DC=example',
        '-addext',
        'basicConstraints=critical,CA:TRUE,pathlen:2',
      ),
    ],
    expect: { isCA: true, pathLength: 2, selfSigned: true },
  },
];

describe('parseCertificate agrees with @peculiar/x509 and openssl on openssl certificates', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'custos-lean-reader-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const fixture of FIXTURES) {
    it(fixture.name, () => {
      const work = mkdtempSync(join(dir, 'fixture-'));
      for (const command of fixture.commands) openssl(work, ...command);
      openssl(work, 'x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der');
      const parsed = parseCertificate(new Uint8Array(readFileSync(join(work, 'cert.der'))));
      assertAgreesWithPeculiar(parsed);
      assertAgreesWithOpenssl(parsed);
      for (const [field, value] of Object.entries(fixture.expect)) {
        assert.deepEqual(parsed[field as keyof ParsedCertificate], value, field);
      }
    });
  }

  it('builder certificates read the same as openssl reads them', async () => {
    const { root, intermediate, leaf } = await aChain(withIpAddresses('::1'), withUris('spiffe://a/b'));
    const others = await Promise.all([
      aCertificate(withKey('RSA', 2048), withSignatureHash('SHA-1')),
      aCertificate(withKey('RSA', 2048), withSignatureHash('SHA-384')),
      aCertificate(withKey('ECDSA', 521), withSignatureHash('SHA-512')),
      aCertificate(withKey('Ed25519'), withoutExtensions()),
      aCertificate(withKey('Ed448')),
      aCertificate(withSubject('CN=Zürich+OU=x, O=a\\, b'), asCA({ pathLength: 0 })),
    ]);
    for (const built of [root, intermediate, leaf, ...others]) {
      const parsed = parseCertificate(built.der);
      assertAgreesWithPeculiar(parsed);
      assertAgreesWithOpenssl(parsed);
    }
  });
});
