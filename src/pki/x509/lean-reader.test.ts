// Differential test of the lean reader against @peculiar/x509 2.2 (and Node's X509Certificate for the
// fingerprint and serial) on certificates built with the shared builder. Certificates made by openssl are
// in test/pki/lean-reader-openssl.test.ts. Deliberate differences: see assertAgreesWithPeculiar.
import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import {
  aCertificate,
  aChain,
  asCA,
  issuedBy,
  validFor,
  validFrom,
  withDnsNames,
  withEmails,
  withExtendedKeyUsages,
  withFreshKey,
  withIpAddresses,
  withKey,
  withKeyUsages,
  withoutExtensions,
  withSerial,
  withSignatureHash,
  withSubject,
  withUris,
  type CertificateOption,
} from '../../../test/support/certificates.js';
import { assertAgreesWithPeculiar } from '../../../test/support/certificate-oracles.js';
import { Asn1Cursor } from '../asn1/reader.js';
import { objectIdentifier as oid, tlv } from './generate/der-writer.js';
import { parseCertificate } from './lean-reader.js';
import type { ParsedCertificate } from './parsed-certificate.js';

/** DER by the writer's encoder, to build names the string form of @peculiar/x509 cannot express. */
const seq = tlv;
const attribute = (type: string, tag: number, value: Uint8Array | string): Uint8Array =>
  seq(0x30, oid(type), tlv(tag, typeof value === 'string' ? new TextEncoder().encode(value) : value));
const rdn = (...attributes: Uint8Array[]): Uint8Array => seq(0x31, ...attributes);
const nameOf = (...rdns: Uint8Array[]): x509.Name => new x509.Name(seq(0x30, ...rdns));
const utf16be = (text: string): Uint8Array =>
  new Uint8Array([...text].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff]));
const CN = '2.5.4.3';
const O = '2.5.4.10';
const OU = '2.5.4.11';

const DAY = 86_400_000;
const at = (iso: string): Date => new Date(iso);
const span = (from: string, to: string): number => (at(to).getTime() - at(from).getTime()) / DAY;

interface Fixture {
  name: string;
  options: () => Promise<CertificateOption[]> | CertificateOption[];
  expect?: Partial<ParsedCertificate>;
}

const FIXTURES: Fixture[] = [
  { name: 'defaults (ECDSA P-256, self-signed)', options: () => [], expect: { selfSigned: true } },
  ...([1024, 2048, 3072, 4096] as const).map((size) => ({
    name: `RSA ${size}`,
    options: () => [withKey('RSA', size)],
    expect: { keyAlgorithm: 'RSA', keySize: size, signatureAlgorithm: 'sha256WithRSAEncryption' } as const,
  })),
  ...([256, 384, 521] as const).map((size) => ({
    name: `ECDSA P-${size}`,
    options: () => [withKey('ECDSA', size)],
    expect: { keyAlgorithm: 'ECDSA', keySize: size, curve: `P-${size}` } as const,
  })),
  {
    name: 'Ed25519',
    options: () => [withKey('Ed25519')],
    expect: { keyAlgorithm: 'Ed25519', keySize: 256, signatureAlgorithm: 'Ed25519' },
  },
  {
    name: 'Ed448',
    options: () => [withKey('Ed448')],
    expect: { keyAlgorithm: 'Ed448', keySize: 456, signatureAlgorithm: 'Ed448' },
  },
  {
    name: 'RSA SHA-1',
    options: () => [withKey('RSA', 2048), withSignatureHash('SHA-1')],
    expect: { signatureAlgorithm: 'sha1WithRSAEncryption' },
  },
  {
    name: 'RSA SHA-512',
    options: () => [withKey('RSA', 2048), withSignatureHash('SHA-512')],
    expect: { signatureAlgorithm: 'sha512WithRSAEncryption' },
  },
  {
    name: 'ECDSA SHA-1',
    options: () => [withSignatureHash('SHA-1')],
    expect: { signatureAlgorithm: 'ecdsa-with-SHA1' },
  },
  {
    name: 'ECDSA P-384 SHA-384',
    options: () => [withKey('ECDSA', 384), withSignatureHash('SHA-384')],
    expect: { signatureAlgorithm: 'ecdsa-with-SHA384' },
  },
  {
    name: 'every kept SAN type, IPv6 forms',
    options: () => [
      withDnsNames('api.example', '*.api.example', 'xn--zrich-kva.example'),
      withIpAddresses(
        '127.0.0.1',
        '255.255.255.255',
        '::1',
        '::',
        '1::',
        '2001:db8::1',
        '2001:db8:0:0:1:0:0:1',
        '1:0:0:2:0:0:0:3',
        'fe80:0:1:2:3:4:5:6',
        '0:0:0:0:0:ffff:c000:201',
        'ABCD:EF01:2345:6789:ABCD:EF01:2345:6789',
      ),
      withUris('https://api.example/x', 'spiffe://corp.example/ns/payments/sa/api', 'spiffe://second'),
      withEmails('a@example.com', 'b@example.org'),
    ],
    expect: { spiffeId: 'spiffe://corp.example/ns/payments/sa/api' },
  },
  {
    name: 'unicode subject (UTF8String)',
    options: () => [withSubject('CN=Zürich Straße 例え 😀, O=Ünïcødé GmbH, C=CH')],
    expect: { commonName: 'Zürich Straße 例え 😀' },
  },
  {
    name: 'multi-valued RDNs, DC, E and unknown attribute types',
    options: () => [
      withSubject(
        'CN=a+OU=b+2.5.4.5=123, DC=corp, DC=example, E=ops@example.com, 1.3.6.1.4.1.311.60.2.1.3=DE, ST=Bayern, L=München, G=Ann, SN=Lee, I=A, T=Dr',
      ),
    ],
  },
  {
    name: 'escaping of special characters',
    options: () => [
      withSubject(
        nameOf(
          rdn(attribute(CN, 0x0c, 'a,b+c"d\\e<f>g;h')),
          rdn(attribute(O, 0x0c, ' leading and trailing ')),
          rdn(attribute(OU, 0x0c, '#hash')),
          rdn(attribute(OU, 0x0c, 'line\nbreak\tand\ttabs\r')),
          rdn(attribute(OU, 0x0c, ' ')),
          rdn(attribute(OU, 0x0c, '')),
          rdn(attribute(OU, 0x0c, '= #not-leading')),
        ),
      ),
    ],
  },
  {
    name: 'string types: BMP, Universal, Teletex, IA5, Printable, invalid and BOM UTF-8',
    options: () => [
      withSubject(
        nameOf(
          rdn(attribute(CN, 0x1e, utf16be('Ünïcødé BMP'))),
          rdn(attribute(O, 0x1c, new Uint8Array([0, 0, 0, 0x41, 0, 0, 0x20, 0xac, 0, 1, 0xf6, 0x00]))),
          rdn(attribute(OU, 0x14, new Uint8Array([0x54, 0xe9, 0x6c, 0xe9, 0x74, 0x65, 0x78]))),
          rdn(attribute('1.2.840.113549.1.9.1', 0x16, 'ia5@example.com')),
          rdn(attribute('2.5.4.6', 0x13, 'DE')),
          rdn(attribute(OU, 0x0c, new Uint8Array([0x61, 0xc3, 0x28, 0x62]))),
          rdn(attribute(OU, 0x0c, new Uint8Array([0xed, 0xa0, 0x80]))),
          rdn(attribute(OU, 0x0c, new Uint8Array([0xef, 0xbb, 0xbf, 0x42, 0x4f, 0x4d]))),
        ),
      ),
    ],
  },
  {
    name: 'values of non-string types print as #hex (CN as a SEQUENCE)',
    options: () => [
      withSubject(
        nameOf(
          rdn(attribute(O, 0x12, '12345')),
          rdn(attribute(CN, 0x30, new Uint8Array([0x02, 0x01, 0x05]))),
        ),
      ),
    ],
    expect: { commonName: '3003020105' },
  },
  {
    name: 'CA with pathLength 0',
    options: () => [withSubject('CN=Test CA'), asCA({ pathLength: 0 })],
    expect: { isCA: true, pathLength: 0, selfSigned: true },
  },
  {
    name: 'CA with pathLength 3',
    options: () => [withSubject('CN=Test CA 3'), asCA({ pathLength: 3 })],
    expect: { isCA: true, pathLength: 3 },
  },
  { name: 'CA without pathLength', options: () => [asCA()], expect: { isCA: true, pathLength: null } },
  {
    name: 'no extensions',
    options: () => [withoutExtensions()],
    expect: { subjectKeyId: null, authorityKeyId: null, isCA: false, selfSigned: true },
  },
  {
    name: 'key usage is skipped, extended key usages are read',
    options: () => [withKeyUsages('digitalSignature'), withExtendedKeyUsages('serverAuth', 'clientAuth')],
    expect: { extendedKeyUsage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] },
  },
  { name: 'no extended key usage', options: () => [], expect: { extendedKeyUsage: null } },
  ...['01', '7f', '80', 'ff00ff', '00ff', '0123456789abcdef0123456789abcdef01'].map((serial) => ({
    name: `serial ${serial}`,
    options: () => [withSerial(serial)],
  })),
  {
    name: 'UTCTime bounds: 1950-01-01 to 2049-12-31T23:59:59Z',
    options: () => [
      validFrom(at('1950-01-01T00:00:00Z')),
      validFor(span('1950-01-01T00:00:00Z', '2049-12-31T23:59:59Z')),
    ],
    expect: { notBefore: at('1950-01-01T00:00:00Z'), notAfter: at('2049-12-31T23:59:59Z') },
  },
  {
    // @peculiar/x509's generator writes any year before 2050 as UTCTime (1949 would come back as 2049), so
    // a GeneralizedTime before 1950 is made by DER surgery below.
    name: 'GeneralizedTime from 2050-01-01',
    options: () => [
      validFrom(at('2049-12-31T23:59:59Z')),
      validFor(span('2049-12-31T23:59:59Z', '2050-01-01T00:00:00Z')),
    ],
    expect: { notBefore: at('2049-12-31T23:59:59Z'), notAfter: at('2050-01-01T00:00:00Z') },
  },
  {
    name: 'GeneralizedTime far ahead (9999)',
    options: () => [
      validFrom(at('2025-01-01T00:00:00Z')),
      validFor(span('2025-01-01', '9999-12-31T23:59:59Z')),
    ],
  },
  {
    name: 'leaf of a chain (AKI, not self-signed)',
    options: async () => [issuedBy((await aChain()).intermediate), withFreshKey()],
    expect: { selfSigned: false },
  },
  {
    name: 'same name as its issuer but another key (AKI != SKI: not self-signed)',
    options: async () => {
      const ca = await aCertificate(withSubject('CN=Same Name'), asCA());
      return [withSubject('CN=Same Name'), withFreshKey(), issuedBy(ca)];
    },
    expect: { selfSigned: false },
  },
];

/** The TLVs inside the element whose content is der[start, end). */
function children(der: Uint8Array, start: number, end: number): Uint8Array[] {
  const cursor = new Asn1Cursor(der, start, end);
  const out: Uint8Array[] = [];
  while (cursor.hasMore()) {
    cursor.next('child');
    out.push(der.subarray(cursor.tlvStart, cursor.end));
  }
  return out;
}
const contentOf = (element: Uint8Array): Uint8Array[] => {
  const cursor = new Asn1Cursor(element, 0, element.length);
  cursor.next('element');
  return children(element, cursor.start, cursor.end);
};

/** Re-encodes a certificate with its tbsCertificate fields edited (the signature no longer verifies). */
function rebuild(der: Uint8Array, edit: (tbs: Uint8Array[]) => Uint8Array[]): Uint8Array {
  const [tbs, algorithm, signature] = contentOf(der);
  return seq(0x30, seq(0x30, ...edit(contentOf(tbs!))), algorithm!, signature!);
}
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
/** tbsCertificate field indexes of a v3 certificate. */
const SERIAL = 1;
const VALIDITY = 4;
const SUBJECT = 5;
const replace = (index: number, value: Uint8Array) => (tbs: Uint8Array[]) => tbs.with(index, value);
const validity = (notBefore: Uint8Array, notAfter?: Uint8Array) => (tbs: Uint8Array[]) =>
  tbs.with(VALIDITY, seq(0x30, notBefore, notAfter ?? contentOf(tbs[VALIDITY]!)[1]!));

const SURGERY: [string, (tbs: Uint8Array[]) => Uint8Array[], Partial<ParsedCertificate>][] = [
  ['serial 0', replace(SERIAL, tlv(0x02, new Uint8Array([0]))), { serialNumber: '00' }],
  ['negative serial -128', replace(SERIAL, tlv(0x02, new Uint8Array([0x80]))), { serialNumber: '80' }],
  [
    'negative serial -255',
    replace(SERIAL, tlv(0x02, new Uint8Array([0xff, 0x01]))),
    { serialNumber: 'ff01' },
  ],
  [
    'non-minimal serial 00 00 01 (kept as @peculiar/x509 keeps it)',
    replace(SERIAL, tlv(0x02, new Uint8Array([0, 0, 1]))),
    { serialNumber: '000001' },
  ],
  [
    'GeneralizedTime before 1950',
    validity(tlv(0x18, ascii('19491231235959Z'))),
    { notBefore: at('1949-12-31T23:59:59Z') },
  ],
  [
    'GeneralizedTime with fractions of a second',
    validity(tlv(0x18, ascii('20300101120000.25Z')), tlv(0x18, ascii('20310101120000.1239Z'))),
    { notBefore: at('2030-01-01T12:00:00.250Z'), notAfter: at('2031-01-01T12:00:00.123Z') },
  ],
  ['v1: no version, no extensions', (tbs) => tbs.slice(1, 7), { version: 1, subjectKeyId: null }],
  [
    'v2 with unique identifiers',
    (tbs) => [
      seq(0xa0, tlv(0x02, new Uint8Array([1]))),
      ...tbs.slice(1, 7),
      tlv(0x81, new Uint8Array([0, 1, 2])),
      tlv(0x82, new Uint8Array([0, 3])),
    ],
    { version: 2 },
  ],
  [
    'non-minimal length encoding (tolerated)',
    (tbs) => {
      const subject = contentOf(tbs[SUBJECT]!);
      const content = new Uint8Array(subject.flatMap((p) => [...p]));
      return tbs.with(SUBJECT, new Uint8Array([0x30, 0x82, 0, content.length, ...content]));
    },
    {},
  ],
];

describe('parseCertificate agrees with @peculiar/x509', () => {
  for (const fixture of FIXTURES) {
    it(fixture.name, async () => {
      const built = await aCertificate(...(await fixture.options()));
      const parsed = parseCertificate(built.der);
      assertAgreesWithPeculiar(parsed);
      const node = new NodeX509Certificate(built.der);
      assert.equal(parsed.fingerprintSha256, node.fingerprint256.replaceAll(':', '').toLowerCase());
      assert.equal(parsed.fingerprintSha256, built.fingerprintSha256);
      assert.equal(parsed.publicKeySha256, built.publicKeySha256);
      assert.equal(parsed.version, 3);
      assert.equal(parsed.der, built.der);
      for (const [field, value] of Object.entries(fixture.expect ?? {})) {
        assert.deepEqual(parsed[field as keyof ParsedCertificate], value, field);
      }
    });
  }

  for (const [name, edit, expect] of SURGERY) {
    it(`DER surgery: ${name}`, async () => {
      const parsed = parseCertificate(rebuild((await aCertificate(withKey('RSA', 2048))).der, edit));
      assertAgreesWithPeculiar(parsed);
      for (const [field, value] of Object.entries(expect)) {
        assert.deepEqual(parsed[field as keyof ParsedCertificate], value, field);
      }
    });
  }

  it('leaves out an iPAddress that is not 4 or 16 bytes (deliberate: @peculiar/x509 prints it as a CIDR)', async () => {
    const built = await aCertificate(withIpAddresses('10.0.0.1'));
    const der = rebuild(built.der, (tbs) => {
      const san = seq(
        0x30,
        oid('2.5.29.17'),
        tlv(
          0x04,
          seq(
            0x30,
            tlv(0x87, new Uint8Array([10, 0, 0, 0, 255, 0, 0, 0])),
            tlv(0x87, new Uint8Array([10, 0, 0, 2])),
          ),
        ),
      );
      return [...tbs.slice(0, 7), seq(0xa3, seq(0x30, san))];
    });
    assert.deepEqual(parseCertificate(der).subjectAltNames.ip, ['10.0.0.2']);
  });

  it('reads a DER that sits inside a larger buffer', async () => {
    const built = await aCertificate();
    const padded = new Uint8Array(built.der.length + 20);
    padded.set(built.der, 7);
    const view = padded.subarray(7, 7 + built.der.length);
    assert.equal(parseCertificate(view).fingerprintSha256, built.fingerprintSha256);
  });
});
