import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as x509 from '@peculiar/x509';
import { PkiFormatError } from '../../problem.js';
import { parseIpAddress } from '../../ip-address.js';
import { decodeAuthorityKeyIdentifier, encodeAuthorityKeyIdentifier } from './authority-key-identifier.js';
import { decodeBasicConstraints, encodeBasicConstraints } from './basic-constraints.js';
import { decodeExtendedKeyUsage, EKU_SERVER_AUTH, encodeExtendedKeyUsage } from './extended-key-usage.js';
import { decodeKeyUsage, encodeKeyUsage, KEY_USAGE } from './key-usage.js';
import { decodeNameConstraints, encodeNameConstraints, readRdns } from './name-constraints.js';
import { decodeSubjectAltName, encodeSubjectAltName } from './subject-alt-name.js';
import { decodeSubjectKeyIdentifier, encodeSubjectKeyIdentifier } from './subject-key-identifier.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof PkiFormatError ? error.code : 'not a PkiFormatError';
  }
};
const ip = (text: string): Uint8Array => parseIpAddress(text)!;

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
  const der = encodeSubjectAltName(value);
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

test('key identifiers round-trip as lower-case hex', () => {
  const keyId = '0123456789abcdef0123456789abcdef01234567';
  assert.equal(decodeSubjectKeyIdentifier(encodeSubjectKeyIdentifier(keyId), 'strict-der'), keyId);
  assert.equal(decodeAuthorityKeyIdentifier(encodeAuthorityKeyIdentifier(keyId), 'strict-der'), keyId);
  // An authorityKeyIdentifier naming the issuer by serial only: SEQUENCE { [2] 01 }.
  assert.equal(decodeAuthorityKeyIdentifier(hex('3003 820101')), null);
});

test('nameConstraints: DNS, IP and directoryName subtrees round-trip', () => {
  const name = new x509.Name('C=DE, O=Example').toArrayBuffer();
  const value = {
    permitted: {
      dns: ['example.com', '.example.org'],
      ip: [{ address: ip('10.0.0.0'), mask: ip('255.0.0.0') }],
      directory: [readRdns(new Uint8Array(name))],
      unsupported: [],
    },
    excluded: { dns: ['bad.example.com'], ip: [], directory: [], unsupported: [] },
  };
  assert.deepEqual(decodeNameConstraints(encodeNameConstraints(value), 'strict-der'), value);
  assert.equal(
    codeOf(() => decodeNameConstraints(hex('3000'), 'strict-der')),
    'CUSTOS_DER_MALFORMED',
  );
});
