import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex as hex, problemCodeOf as codeOf, toHex } from '../../../../test/support/pki.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { parseIpAddress } from '../../ip-address.js';
import {
  ACCESS_METHOD_CA_ISSUERS,
  authorityInfoAccessExtension,
  decodeAuthorityInfoAccess,
  encodeAuthorityInfoAccess,
  OID_AUTHORITY_INFO_ACCESS,
} from './authority-info-access.js';
import {
  authorityKeyIdentifierExtension,
  decodeAuthorityKeyIdentifier,
  encodeAuthorityKeyIdentifier,
  OID_AUTHORITY_KEY_IDENTIFIER,
} from './authority-key-identifier.js';
import {
  basicConstraintsExtension,
  decodeBasicConstraints,
  encodeBasicConstraints,
} from './basic-constraints.js';
import {
  certificatePoliciesExtension,
  decodeCertificatePolicies,
  encodeCertificatePolicies,
  OID_ANY_POLICY,
  OID_CERTIFICATE_POLICIES,
} from './certificate-policies.js';
import {
  crlDistributionPointsExtension,
  decodeCrlDistributionPoints,
  encodeCrlDistributionPoints,
  OID_CRL_DISTRIBUTION_POINTS,
} from './crl-distribution-points.js';
import { crlNumberExtension, decodeCrlNumber, encodeCrlNumber, OID_CRL_NUMBER } from './crl-number.js';
import { crlReasonExtension, decodeCrlReason, encodeCrlReason, type RevocationReason } from './crl-reason.js';
import {
  decodeExtendedKeyUsage,
  EKU_SERVER_AUTH,
  encodeExtendedKeyUsage,
  extendedKeyUsageExtension,
} from './extended-key-usage.js';
import { toAsnExtension } from './extension-value.js';
import { decodeInvalidityDate, encodeInvalidityDate, invalidityDateExtension } from './invalidity-date.js';
import { decodeKeyUsage, encodeKeyUsage, KEY_USAGE, keyUsageExtension } from './key-usage.js';
import {
  decodeNameConstraints,
  encodeNameConstraints,
  nameConstraintsExtension,
  OID_NAME_CONSTRAINTS,
  readRdns,
} from './name-constraints.js';
import { decodeOcspNonce, encodeOcspNonce, ocspNonceExtension, OID_OCSP_NONCE } from './ocsp-nonce.js';
import {
  decodeSubjectAltName,
  encodeSubjectAltName,
  OID_SUBJECT_ALT_NAME,
  subjectAltNameExtension,
} from './subject-alt-name.js';
import {
  decodeSubjectKeyIdentifier,
  encodeSubjectKeyIdentifier,
  OID_SUBJECT_KEY_IDENTIFIER,
  subjectKeyIdentifierExtension,
} from './subject-key-identifier.js';

const ip = (text: string): Uint8Array => parseIpAddress(text)!;
const encodeValueOf = (value: object): Uint8Array => new Uint8Array(AsnConvert.serialize(value));

test('basicConstraints: encode, decode, and @peculiar/x509 reads the same', () => {
  for (const value of [
    { ca: true, pathLength: 0 },
    { ca: true, pathLength: null },
    { ca: false, pathLength: null },
  ]) {
    const der = encodeBasicConstraints(value);
    assert.deepEqual(decodeBasicConstraints(der, 'strict-der'), value);
    const theirs = new x509.BasicConstraintsExtension(value.ca, value.pathLength ?? undefined);
    assert.deepEqual(Buffer.from(der), Buffer.from(theirs.value));
  }
});

test('keyUsage: flags as @peculiar/x509 KeyUsageFlags', () => {
  const flags =
    KEY_USAGE.digitalSignature | KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign | KEY_USAGE.decipherOnly;
  const der = encodeKeyUsage(flags);
  assert.equal(decodeKeyUsage(der, 'strict-der'), flags);
  assert.equal(new x509.KeyUsagesExtension(flags).usages, flags);
  assert.deepEqual(Buffer.from(der), Buffer.from(new x509.KeyUsagesExtension(flags).value));
});

test('extendedKeyUsage: OIDs round-trip; an empty list is refused in strict-der only', () => {
  const oids = [EKU_SERVER_AUTH, '1.3.6.1.5.5.7.3.2', '1.3.6.1.4.1.311.10.3.12'];
  assert.deepEqual(decodeExtendedKeyUsage(encodeExtendedKeyUsage(oids), 'strict-der'), oids);
  assert.deepEqual(decodeExtendedKeyUsage(hex('3000'), 'lenient-der'), []);
  assert.equal(
    codeOf(() => decodeExtendedKeyUsage(hex('3000'), 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
});

test('subjectAltName: every form round-trips; the modes differ on empty lists and odd iPAddress lengths', () => {
  const value = {
    dns: ['api.example.com', '*.example.com'],
    ip: [ip('192.0.2.1'), ip('::ffff:10.0.0.1')],
    uri: ['spiffe://example.org/ns/prod/sa/api'],
    email: ['ops@example.com'],
  };
  const der = encodeSubjectAltName([
    ...value.dns.map((dns) => ({ dns })),
    { ip: '192.0.2.1' },
    { ip: '::ffff:10.0.0.1' },
    ...value.uri.map((uri) => ({ uri })),
    ...value.email.map((email) => ({ email })),
  ]);
  assert.deepEqual(decodeSubjectAltName(der, 'strict-der'), { ...value, otherNameTags: [] });
  const theirs = new x509.SubjectAlternativeNameExtension([
    ...value.dns.map((v) => ({ type: 'dns' as const, value: v })),
    { type: 'ip', value: '192.0.2.1' },
    { type: 'ip', value: '::ffff:a00:1' },
    { type: 'url', value: value.uri[0]! },
    { type: 'email', value: value.email[0]! },
  ]);
  assert.deepEqual(decodeSubjectAltName(new Uint8Array(theirs.value)), { ...value, otherNameTags: [] });
  // SEQUENCE { [7] 0a000000 ffffff00 } holds a range, not an address.
  const range = hex('300a 8708 0a000000ffffff00');
  assert.deepEqual(decodeSubjectAltName(range, 'lenient-der').ip, []);
  assert.equal(
    codeOf(() => decodeSubjectAltName(range, 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(
    codeOf(() => decodeSubjectAltName(hex('3000'), 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
  // A non-minimal length (81 05) is tolerated by lenient-der, refused by strict-der.
  const nonMinimal = hex('3081 07 8205 612e636f6d');
  assert.deepEqual(decodeSubjectAltName(nonMinimal, 'lenient-der').dns, ['a.com']);
  assert.equal(
    codeOf(() => decodeSubjectAltName(nonMinimal, 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
});

test('subjectAltName: the hand encoder writes what the schema writes, in the order given', () => {
  const directoryName = new Uint8Array(new x509.Name('CN=dir').toArrayBuffer());
  const ours = subjectAltNameExtension([
    { dns: 'a.example.com' },
    { ip: '10.0.0.1' },
    { ip: '2001:db8::1' },
    { uri: 'spiffe://example.com/x' },
    { email: 'a@example.com' },
    { directoryName },
  ]);
  const expected = new asn1.SubjectAlternativeName([
    new asn1.GeneralName({ dNSName: 'a.example.com' }),
    new asn1.GeneralName({ iPAddress: '10.0.0.1' }),
    new asn1.GeneralName({ iPAddress: '2001:db8:0:0:0:0:0:1' }),
    new asn1.GeneralName({ uniformResourceIdentifier: 'spiffe://example.com/x' }),
    new asn1.GeneralName({ rfc822Name: 'a@example.com' }),
    new asn1.GeneralName({ directoryName: AsnConvert.parse(directoryName, asn1.Name) }),
  ]);
  assert.equal(toHex(ours.value), toHex(AsnConvert.serialize(expected)));
  assert.deepEqual([ours.oid, ours.critical], [OID_SUBJECT_ALT_NAME, false]);
  assert.equal(subjectAltNameExtension([{ dns: 'a.example' }], true).critical, true);
  assert.equal(decodeSubjectAltName(ours.value, 'strict-der').otherNameTags[0], 4);
  assert.equal(
    codeOf(() => encodeSubjectAltName([{ dns: 'bücher.example' }])),
    'CUSTOS_PKI_PARAMETER_INVALID',
  );
  assert.equal(
    codeOf(() => encodeSubjectAltName([{ ip: '10.0.0.256' }])),
    'CUSTOS_PKI_PARAMETER_INVALID',
  );
});

test('key identifiers round-trip as lower-case hex; the SKI hand encoding equals the schema', () => {
  const keyId = '0123456789abcdef0123456789abcdef01234567';
  const bytes = hex(keyId);
  assert.equal(decodeSubjectKeyIdentifier(encodeSubjectKeyIdentifier(bytes), 'strict-der'), keyId);
  assert.equal(decodeAuthorityKeyIdentifier(encodeAuthorityKeyIdentifier(bytes), 'strict-der'), keyId);
  assert.equal(
    toHex(encodeSubjectKeyIdentifier(bytes)),
    toHex(AsnConvert.serialize(new asn1.SubjectKeyIdentifier(bytes))),
  );
  assert.equal(subjectKeyIdentifierExtension(bytes).oid, OID_SUBJECT_KEY_IDENTIFIER);
  assert.equal(authorityKeyIdentifierExtension(bytes).oid, OID_AUTHORITY_KEY_IDENTIFIER);
  // An authorityKeyIdentifier naming the issuer by serial only: SEQUENCE { [2] 01 }.
  assert.equal(decodeAuthorityKeyIdentifier(hex('3003 820101')), null);
});

test('nameConstraints: DNS, IP, directoryName, email and URI subtrees round-trip', () => {
  const name = new Uint8Array(new x509.Name('C=DE, O=Example').toArrayBuffer());
  const der = encodeNameConstraints({
    permitted: [
      { dns: 'example.com' },
      { dns: '.example.org' },
      { ip: '10.0.0.0/8' },
      { ip: '2001:db8::/32' },
      { directoryName: name },
      { email: 'example.com' },
      { uri: '.example.com' },
    ],
    excluded: [{ dns: 'bad.example.com' }],
  });
  assert.deepEqual(decodeNameConstraints(der, 'strict-der'), {
    permitted: {
      dns: ['example.com', '.example.org'],
      ip: [
        { address: ip('10.0.0.0'), mask: ip('255.0.0.0') },
        { address: ip('2001:db8::'), mask: ip('ffff:ffff::') },
      ],
      directory: [readRdns(name)],
      unsupported: [1, 6],
    },
    excluded: { dns: ['bad.example.com'], ip: [], directory: [], unsupported: [] },
  });
  const extension = nameConstraintsExtension({ excluded: [{ dns: 'x.example' }] });
  assert.deepEqual([extension.oid, extension.critical], [OID_NAME_CONSTRAINTS, true]);
  assert.equal(decodeNameConstraints(extension.value).permitted, null);
  for (const bad of ['10.0.0.0', '10.0.0.0/33', 'nope/8'])
    assert.equal(
      codeOf(() => encodeNameConstraints({ permitted: [{ ip: bad }] })),
      'CUSTOS_PKI_PARAMETER_INVALID',
      bad,
    );
  assert.equal(
    codeOf(() => decodeNameConstraints(hex('3000'), 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
});

test('the builders: RFC 5280 criticality, names for key usages, and equal input gives the remembered value', () => {
  const bc = basicConstraintsExtension({ ca: true, pathLength: 0 });
  assert.equal(bc.critical, true);
  assert.equal(bc, basicConstraintsExtension({ ca: true, pathLength: 0 }));
  assert.deepEqual(decodeBasicConstraints(bc.value), { ca: true, pathLength: 0 });
  const ku = keyUsageExtension(['digitalSignature', 'keyEncipherment']);
  assert.equal(ku, keyUsageExtension(['keyEncipherment', 'digitalSignature']));
  assert.equal(ku.critical, true);
  assert.equal(decodeKeyUsage(ku.value), KEY_USAGE.digitalSignature | KEY_USAGE.keyEncipherment);
  assert.notEqual(toHex(ku.value), toHex(keyUsageExtension(['keyCertSign']).value));
  const eku = extendedKeyUsageExtension(['serverAuth', 'OCSPSigning', '1.3.6.1.4.1.311.10.3.12']);
  assert.equal(eku.critical, false);
  assert.deepEqual(decodeExtendedKeyUsage(eku.value), [
    EKU_SERVER_AUTH,
    '1.3.6.1.5.5.7.3.9',
    '1.3.6.1.4.1.311.10.3.12',
  ]);
  const aia = authorityInfoAccessExtension({ ocsp: ['http://a/ocsp'] });
  assert.equal(aia, authorityInfoAccessExtension({ ocsp: ['http://a/ocsp'] }));
  assert.notEqual(toHex(aia.value), toHex(authorityInfoAccessExtension({ ocsp: ['http://b/ocsp'] }).value));
});

test('authorityInfoAccess: round-trips, @peculiar/x509 reads the same, other locations are skipped', () => {
  const value = {
    caIssuers: ['http://ca.example/ca.cer'],
    ocsp: ['http://ocsp.example', 'http://ocsp2.example'],
  };
  const der = encodeAuthorityInfoAccess(value);
  assert.deepEqual(decodeAuthorityInfoAccess(der, 'strict-der'), value);
  const theirs = new x509.AuthorityInfoAccessExtension(
    new Uint8Array(AsnConvert.serialize(toAsnExtension(authorityInfoAccessExtension(value)))).buffer,
  );
  assert.deepEqual(
    theirs.ocsp.map((name) => name.value),
    value.ocsp,
  );
  assert.deepEqual(
    theirs.caIssuers.map((name) => name.value),
    value.caIssuers,
  );
  assert.equal(authorityInfoAccessExtension(value).oid, OID_AUTHORITY_INFO_ACCESS);
  // A caIssuers location that is a dNSName, then an unknown access method with a URI: neither is read.
  const odd = encodeValueOf(
    new asn1.AuthorityInfoAccessSyntax([
      new asn1.AccessDescription({
        accessMethod: ACCESS_METHOD_CA_ISSUERS,
        accessLocation: new asn1.GeneralName({ dNSName: 'ca.example' }),
      }),
      new asn1.AccessDescription({
        accessMethod: '1.3.6.1.5.5.7.48.5',
        accessLocation: new asn1.GeneralName({ uniformResourceIdentifier: 'http://repo.example' }),
      }),
    ]),
  );
  assert.deepEqual(decodeAuthorityInfoAccess(odd), { caIssuers: [], ocsp: [] });
  assert.deepEqual(decodeAuthorityInfoAccess(hex('3000')), { caIssuers: [], ocsp: [] });
  assert.equal(
    codeOf(() => decodeAuthorityInfoAccess(hex('3000'), 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(
    codeOf(() => decodeAuthorityInfoAccess(hex('3003 020101'))),
    'CUSTOS_DER_MALFORMED',
  );
});

test('cRLDistributionPoints: fullName URIs round-trip; reasons, cRLIssuer and relative names are skipped', () => {
  const uris = ['http://crl.example/a.crl', 'ldap://dir.example/cn=CA?certificateRevocationList'];
  const extension = crlDistributionPointsExtension(uris);
  assert.deepEqual([extension.oid, extension.critical], [OID_CRL_DISTRIBUTION_POINTS, false]);
  assert.deepEqual(decodeCrlDistributionPoints(extension.value, 'strict-der'), uris);
  assert.deepEqual(decodeCrlDistributionPoints(encodeCrlDistributionPoints([])), []);
  const theirs = new x509.CRLDistributionPointsExtension(
    new Uint8Array(AsnConvert.serialize(toAsnExtension(extension))).buffer,
  );
  assert.equal(theirs.distributionPoints.length, 2);
  const mixed = encodeValueOf(
    new asn1.CRLDistributionPoints([
      new asn1.DistributionPoint({
        distributionPoint: new asn1.DistributionPointName({
          fullName: [
            new asn1.GeneralName({ dNSName: 'not-a-uri.example' }),
            new asn1.GeneralName({ uniformResourceIdentifier: 'http://crl.example/b.crl' }),
          ],
        }),
        reasons: new asn1.Reason(asn1.ReasonFlags.keyCompromise),
        cRLIssuer: [new asn1.GeneralName({ uniformResourceIdentifier: 'http://issuer.example' })],
      }),
      new asn1.DistributionPoint({
        distributionPoint: new asn1.DistributionPointName({
          nameRelativeToCRLIssuer: new asn1.RelativeDistinguishedName([
            new asn1.AttributeTypeAndValue({
              type: '2.5.4.3',
              value: new asn1.AttributeValue({ utf8String: 'x' }),
            }),
          ]),
        }),
      }),
    ]),
  );
  assert.deepEqual(decodeCrlDistributionPoints(mixed, 'strict-der'), ['http://crl.example/b.crl']);
  assert.equal(
    codeOf(() => decodeCrlDistributionPoints(hex('3000'), 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(
    codeOf(() => decodeCrlDistributionPoints(hex('3004 3002 0500'))),
    'CUSTOS_DER_MALFORMED',
  );
});

test('certificatePolicies: OIDs with and without a CPS URI round-trip; a user notice is skipped', () => {
  const policies = [{ oid: OID_ANY_POLICY }, { oid: '2.23.140.1.2.1', cpsUri: 'https://cps.example' }];
  const extension = certificatePoliciesExtension(policies);
  assert.deepEqual([extension.oid, extension.critical], [OID_CERTIFICATE_POLICIES, false]);
  assert.deepEqual(decodeCertificatePolicies(extension.value, 'strict-der'), policies);
  assert.deepEqual(decodeCertificatePolicies(encodeCertificatePolicies(policies)), policies);
  const notice = encodeValueOf(
    new asn1.CertificatePolicies([
      new asn1.PolicyInformation({
        policyIdentifier: '1.2.3.4',
        policyQualifiers: [
          new asn1.PolicyQualifierInfo({
            policyQualifierId: '1.3.6.1.5.5.7.2.2', // id-qt-unotice
            qualifier: AsnConvert.serialize(
              new asn1.UserNotice({ explicitText: new asn1.DisplayText({ utf8String: 'hi' }) }),
            ),
          }),
        ],
      }),
    ]),
  );
  assert.deepEqual(decodeCertificatePolicies(notice, 'strict-der'), [{ oid: '1.2.3.4' }]);
  assert.equal(
    codeOf(() => decodeCertificatePolicies(hex('3000'), 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
});

test('cRLNumber: round-trips up to 2^53 - 1 and reads 20 octets; negative or too long is refused', () => {
  for (const number of [0, 1, 127, 128, 65_535, Number.MAX_SAFE_INTEGER]) {
    const extension = crlNumberExtension(number);
    assert.deepEqual([extension.oid, extension.critical], [OID_CRL_NUMBER, false]);
    assert.equal(decodeCrlNumber(extension.value, 'strict-der'), BigInt(number));
  }
  assert.equal(toHex(encodeCrlNumber(128)), '02020080');
  assert.equal(decodeCrlNumber(hex('0215 00' + 'ff'.repeat(20))), 2n ** 160n - 1n);
  assert.equal(
    codeOf(() => decodeCrlNumber(hex('0201 ff'))),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(
    codeOf(() => decodeCrlNumber(hex('0215 01' + '00'.repeat(20)))),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(
    codeOf(() => decodeCrlNumber(hex('0202 0001'), 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(decodeCrlNumber(hex('0202 0001'), 'lenient-der'), 1n);
  for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1])
    assert.equal(
      codeOf(() => encodeCrlNumber(bad)),
      'CUSTOS_PKI_PARAMETER_INVALID',
      String(bad),
    );
});

test('cRLReason: every reason round-trips as the schema writes it; 7 and unknown codes are refused', () => {
  const reasons: RevocationReason[] = [
    'unspecified',
    'keyCompromise',
    'cACompromise',
    'affiliationChanged',
    'superseded',
    'cessationOfOperation',
    'certificateHold',
    'removeFromCRL',
    'privilegeWithdrawn',
    'aACompromise',
  ];
  for (const reason of reasons) {
    assert.equal(decodeCrlReason(encodeCrlReason(reason), 'strict-der'), reason);
    assert.equal(crlReasonExtension(reason).critical, false);
  }
  assert.equal(toHex(encodeCrlReason('keyCompromise')), '0a0101');
  assert.equal(
    codeOf(() => decodeCrlReason(hex('0a0107'))),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(
    codeOf(() => decodeCrlReason(hex('0a010b'))),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(
    codeOf(() => decodeCrlReason(hex('020101'))),
    'CUSTOS_DER_MALFORMED',
  );
});

test('invalidityDate: a GeneralizedTime in whole seconds round-trips; a UTCTime is refused', () => {
  const date = new Date('2026-11-30T08:15:42.789Z');
  const extension = invalidityDateExtension(date);
  assert.equal(extension.critical, false);
  assert.equal(Buffer.from(extension.value).toString('latin1', 2), '20261130081542Z');
  assert.deepEqual(decodeInvalidityDate(extension.value, 'strict-der'), new Date('2026-11-30T08:15:42Z'));
  assert.deepEqual(
    decodeInvalidityDate(encodeInvalidityDate(new Date('2051-01-01T00:00:00Z'))),
    new Date('2051-01-01T00:00:00Z'),
  );
  const utc = Buffer.concat([hex('170d'), Buffer.from('261130081542Z', 'latin1')]);
  assert.equal(
    codeOf(() => decodeInvalidityDate(utc)),
    'CUSTOS_DER_MALFORMED',
  );
});

test('OCSP nonce: round-trips; strict-der holds to 1 to 32 octets', () => {
  const nonce = hex('00112233445566778899aabbccddeeff');
  const extension = ocspNonceExtension(nonce);
  assert.deepEqual([extension.oid, extension.critical], [OID_OCSP_NONCE, false]);
  assert.equal(toHex(decodeOcspNonce(extension.value, 'strict-der')), toHex(nonce));
  assert.equal(
    toHex(encodeOcspNonce(nonce)),
    toHex(AsnConvert.serialize(new asn1.SubjectKeyIdentifier(nonce))),
  );
  const long = encodeOcspNonce(new Uint8Array(33));
  assert.equal(decodeOcspNonce(long).length, 33);
  assert.equal(
    codeOf(() => decodeOcspNonce(long, 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
});
