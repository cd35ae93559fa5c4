// The certificate writer: what it writes reads back equal through @peculiar/x509 and the lean reader, every
// signer kind gives a signature node:crypto verifies, validity times follow RFC 5280 §4.1.2.5, and parameters
// that make no valid certificate are refused with CUSTOS_PKI_PARAMETER_INVALID. (openssl's verdicts:
// test/pki/generate-openssl.test.ts.)
import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { assertAgreesWithPeculiar } from '../../../../test/support/certificate-oracles.js';
import { aSigner, type KeyKind } from '../../../../test/support/signers.js';
import { parseCertificate } from '../lean-reader.js';
import { generateCertificate, type CertificateParams } from './certificate.js';
import { issuerIdentity } from './issuer-identity.js';
import { keyIdentifier } from './key-identifier.js';

const at = (iso: string): Date => new Date(iso);
const ROOT_SUBJECT = [
  [{ type: 'C', value: 'DE' }],
  [{ type: 'O', value: 'Ünïcødé Test' }],
  [{ type: 'CN', value: 'Root' }],
];

async function aRoot(): Promise<Uint8Array> {
  return generateCertificate(
    {
      serialNumber: new Uint8Array([0x01]),
      subject: ROOT_SUBJECT,
      notBefore: at('2026-01-01T00:00:00Z'),
      notAfter: at('2056-01-01T00:00:00Z'),
      ca: { pathLength: 1 },
      nameConstraints: {
        permitted: [{ dns: 'example.com' }, { ip: '10.0.0.0/8' }],
        excluded: [{ dns: 'bad.example.com' }],
      },
      certificatePolicies: [{ oid: '2.23.140.1.2.1', cpsUri: 'https://cps.example.com' }],
    },
    aSigner('P-256', 'root'),
  );
}

describe('generateCertificate', () => {
  it('a CA and a leaf with every extension read back equal through @peculiar/x509 and the lean reader', async () => {
    const root = await aRoot();
    const ca = issuerIdentity(root);
    const leafKey = aSigner('RSA-2048', 'leaf');
    const params: CertificateParams = {
      serialNumber: Buffer.from('8a0102030405060708090a0b0c0d0e0f', 'hex'),
      subject: [[{ type: 'CN', value: 'api.example.com' }]],
      issuer: ca.subject,
      notBefore: at('2026-03-01T10:20:30Z'),
      notAfter: at('2026-06-01T10:20:30Z'),
      publicKeySpki: leafKey.publicKeySpki,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
      subjectAltNames: [
        { dns: 'api.example.com' },
        { ip: '10.1.2.3' },
        { uri: 'spiffe://example.com/api' },
        { email: 'ops@example.com' },
      ],
      authorityKeyIdentifier: ca.subjectKeyIdentifier,
      authorityInfoAccess: {
        ocsp: ['http://ocsp.example.com'],
        caIssuers: ['http://ca.example.com/root.crt'],
      },
      crlDistributionPoints: ['http://crl.example.com/root.crl'],
    };
    const der = await generateCertificate(params, aSigner('P-256', 'root'));

    for (const certificate of [root, der]) assertAgreesWithPeculiar(parseCertificate(certificate));
    const leaf = new x509.X509Certificate(der);
    assert.equal(leaf.serialNumber, '8a0102030405060708090a0b0c0d0e0f');
    assert.equal(leaf.subject, 'CN=api.example.com');
    assert.equal(leaf.issuer, 'C=DE, O=Ünïcødé Test, CN=Root');
    assert.deepEqual([leaf.notBefore, leaf.notAfter], [params.notBefore, params.notAfter]);
    assert.equal(
      leaf.getExtension(x509.KeyUsagesExtension)?.usages,
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
    assert.equal(leaf.getExtension(x509.KeyUsagesExtension)?.critical, true);
    assert.deepEqual(
      [...(leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])],
      [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    );
    assert.deepEqual(leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON(), [
      { type: 'dns', value: 'api.example.com' },
      { type: 'ip', value: '10.1.2.3' },
      { type: 'url', value: 'spiffe://example.com/api' },
      { type: 'email', value: 'ops@example.com' },
    ]);
    assert.equal(leaf.getExtension(x509.SubjectAlternativeNameExtension)?.critical, false);
    assert.equal(leaf.getExtension(x509.BasicConstraintsExtension), null);
    assert.equal(
      leaf.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
      Buffer.from(keyIdentifier(leafKey.publicKeySpki)).toString('hex'),
    );
    assert.equal(
      leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
      Buffer.from(ca.subjectKeyIdentifier!).toString('hex'),
    );
    const aia = leaf.getExtension(x509.AuthorityInfoAccessExtension);
    assert.deepEqual(
      [aia?.ocsp.map((n) => n.value), aia?.caIssuers.map((n) => n.value)],
      [['http://ocsp.example.com'], ['http://ca.example.com/root.crt']],
    );
    const cdp = leaf.getExtension(x509.CRLDistributionPointsExtension);
    assert.equal(
      cdp?.distributionPoints[0]?.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier,
      'http://crl.example.com/root.crl',
    );
    assert.ok(
      await leaf.verify({ publicKey: new x509.X509Certificate(root).publicKey, signatureOnly: true }),
    );

    const rootView = new x509.X509Certificate(root);
    const basic = rootView.getExtension(x509.BasicConstraintsExtension);
    assert.deepEqual([basic?.ca, basic?.pathLength, basic?.critical], [true, 1, true]);
    assert.equal(
      rootView.getExtension(x509.KeyUsagesExtension)?.usages,
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    );
    const constraints = rootView.getExtension('2.5.29.30');
    assert.equal(constraints?.critical, true);
    assert.equal(rootView.getExtension(x509.CertificatePolicyExtension)?.policies[0], '2.23.140.1.2.1');
    assert.equal(
      rootView.getExtension(x509.AuthorityKeyIdentifierExtension),
      null,
      'no AKI when self-signed',
    );
    assert.ok(await rootView.verify({ signatureOnly: true }));
  });

  for (const [kind, hash] of [
    ['P-256', undefined],
    ['P-384', undefined],
    ['P-521', undefined],
    ['P-256', 'SHA-1'],
    ['RSA-2048', undefined],
    ['RSA-2048', 'SHA-384'],
    ['RSA-2048', 'SHA-512'],
    ['Ed25519', undefined],
    ['Ed448', undefined],
  ] as const) {
    it(`a self-signed ${kind}${hash ? ` ${hash}` : ''} certificate verifies with node:crypto`, async () => {
      const signer = aSigner(kind as KeyKind, 'self', hash);
      const der = await generateCertificate(
        {
          serialNumber: new Uint8Array([7]),
          subject: [[{ type: 'CN', value: kind }]],
          notBefore: at('2026-01-01T00:00:00Z'),
          notAfter: at('2027-01-01T00:00:00Z'),
        },
        signer,
      );
      const certificate = new NodeX509Certificate(der);
      assert.ok(certificate.verify(certificate.publicKey));
      assert.equal(parseCertificate(der).signatureAlgorithm, signer.algorithm);
    });
  }

  it('validity: UTCTime for 1950-2049, GeneralizedTime before and after (RFC 5280 §4.1.2.5)', async () => {
    const cases = [
      ['1949-12-31T23:59:59Z', 0x18],
      ['1950-01-01T00:00:00Z', 0x17],
      ['2049-12-31T23:59:59Z', 0x17],
      ['2050-01-01T00:00:00Z', 0x18],
      ['9999-12-31T23:59:59Z', 0x18],
    ] as const;
    for (const [iso, tag] of cases) {
      const der = await generateCertificate(
        {
          serialNumber: new Uint8Array([1]),
          subject: [],
          notBefore: at(iso),
          notAfter: at(iso),
          subjectKeyIdentifier: false,
        },
        aSigner(),
      );
      const parsed = parseCertificate(der);
      assert.deepEqual([parsed.notBefore, parsed.notAfter], [at(iso), at(iso)], iso);
      const validity = Buffer.from(der).indexOf(Buffer.from([tag, tag === 0x17 ? 13 : 15]));
      assert.ok(validity > 0, `${iso} is written with tag 0x${tag.toString(16)}`);
    }
  });

  it('a serial number is written as a positive DER INTEGER with leading zeros dropped', async () => {
    for (const [given, integer] of [
      ['01', '020101'],
      ['80', '02020080'],
      ['000080', '02020080'],
      ['7f' + 'ff'.repeat(19), '0214' + '7f' + 'ff'.repeat(19)],
    ] as const) {
      const der = await generateCertificate(
        {
          serialNumber: Buffer.from(given, 'hex'),
          subject: [],
          notBefore: at('2026-01-01T00:00:00Z'),
          notAfter: at('2026-01-02T00:00:00Z'),
        },
        aSigner(),
      );
      // Right after the version [0]: the serial's INTEGER.
      assert.ok(Buffer.from(der).includes(Buffer.from(`a003020102${integer}`, 'hex')), given);
      assert.equal(parseCertificate(der).serialNumber, integer.slice(4).replace(/^00/, ''));
    }
  });

  it('refuses parameters that make no valid certificate, with CUSTOS_PKI_PARAMETER_INVALID', async () => {
    const base: CertificateParams = {
      serialNumber: new Uint8Array([1]),
      subject: [[{ type: 'CN', value: 'x' }]],
      notBefore: at('2026-01-01T00:00:00Z'),
      notAfter: at('2026-02-01T00:00:00Z'),
    };
    const refused: [string, Partial<CertificateParams>][] = [
      ['a zero serial', { serialNumber: new Uint8Array([0, 0]) }],
      ['a serial of 21 octets', { serialNumber: new Uint8Array(21).fill(1) }],
      [
        'a serial of 20 octets with the high bit set (21 encoded)',
        { serialNumber: new Uint8Array(20).fill(0x80) },
      ],
      ['notAfter before notBefore', { notAfter: at('2025-12-31T00:00:00Z') }],
      ['an invalid date', { notBefore: new Date(Number.NaN) }],
      ['a bad IP address', { subjectAltNames: [{ ip: '10.0.0.256' }] }],
      ['a name-constraint IP without prefix', { nameConstraints: { permitted: [{ ip: '10.0.0.0' }] } }],
      ['a name-constraint IPv4 prefix over 32', { nameConstraints: { permitted: [{ ip: '10.0.0.0/33' }] } }],
      ['a country that is no PrintableString', { subject: [[{ type: 'C', value: 'Ü' }]] }],
      ['an unknown attribute type', { subject: [[{ type: 'XX', value: 'y' }]] }],
      [
        'a duplicate extension',
        { ca: {}, extensions: [{ oid: '2.5.29.19', critical: true, value: new Uint8Array([0x30, 0]) }] },
      ],
    ];
    for (const [why, change] of refused) {
      await assert.rejects(
        generateCertificate({ ...base, ...change }, aSigner()),
        { name: 'PkiFormatError', code: 'CUSTOS_PKI_PARAMETER_INVALID' },
        why,
      );
    }
  });

  it('an empty subject makes the SAN critical; a multi-valued RDN is sorted as DER requires', async () => {
    const der = await generateCertificate(
      {
        serialNumber: new Uint8Array([1]),
        subject: [],
        subjectAltNames: [{ dns: 'a.example' }],
        notBefore: at('2026-01-01T00:00:00Z'),
        notAfter: at('2026-02-01T00:00:00Z'),
      },
      aSigner(),
    );
    assert.equal(
      new x509.X509Certificate(der).getExtension(x509.SubjectAlternativeNameExtension)?.critical,
      true,
    );
    const multi = await generateCertificate(
      {
        serialNumber: new Uint8Array([1]),
        subject: [
          [
            { type: 'OU', value: 'b' },
            { type: 'CN', value: 'a' },
          ],
        ],
        notBefore: at('2026-01-01T00:00:00Z'),
        notAfter: at('2026-02-01T00:00:00Z'),
      },
      aSigner(),
    );
    assert.equal(parseCertificate(multi).subject, 'CN=a+OU=b');
  });
});
