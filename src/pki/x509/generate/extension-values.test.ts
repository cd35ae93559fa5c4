// The hand-encoded hot-path values (names, subjectAltName, subjectKeyIdentifier) are byte for byte what the
// @peculiar/asn1-x509 schemas write; the remembered values come back equal for equal input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { encodeName } from './distinguished-name.js';
import { authorityInfoAccess, keyUsage, subjectAltName, subjectKeyIdentifier } from './extension-values.js';

const hex = (bytes: ArrayBuffer | Uint8Array): string => Buffer.from(new Uint8Array(bytes)).toString('hex');

describe('hand-encoded extension values and names', () => {
  it('a name equals the Name schema, with each string type and a sorted multi-valued RDN', () => {
    const value = (v: Partial<asn1.AttributeValue>) => new asn1.AttributeValue(v);
    const atv = (type: string, v: Partial<asn1.AttributeValue>) =>
      new asn1.AttributeTypeAndValue({ type, value: value(v) });
    const expected = new asn1.Name([
      new asn1.RelativeDistinguishedName([atv('2.5.4.6', { printableString: 'DE' })]),
      new asn1.RelativeDistinguishedName([atv('0.9.2342.19200300.100.1.25', { ia5String: 'corp' })]),
      new asn1.RelativeDistinguishedName([
        atv('2.5.4.11', { utf8String: 'ops' }), // DER order: the shorter encoding sorts first
        atv('2.5.4.3', { utf8String: 'Ünïcødé ' + 'x'.repeat(200) }),
      ]),
    ]);
    const ours = encodeName([
      [{ type: 'C', value: 'DE' }],
      [{ type: 'DC', value: 'corp' }],
      [
        { type: 'CN', value: 'Ünïcødé ' + 'x'.repeat(200) },
        { type: 'OU', value: 'ops' },
      ],
    ]);
    assert.equal(hex(ours), hex(AsnConvert.serialize(expected)));
    assert.equal(hex(encodeName([])), '3000');
  });

  it('subjectAltName and subjectKeyIdentifier equal their schemas', () => {
    const ours = subjectAltName([
      { dns: 'a.example.com' },
      { ip: '10.0.0.1' },
      { ip: '2001:db8::1' },
      { uri: 'spiffe://example.com/x' },
      { email: 'a@example.com' },
      { directoryName: encodeName([[{ type: 'CN', value: 'dir' }]]) },
    ]);
    const expected = new asn1.SubjectAlternativeName([
      new asn1.GeneralName({ dNSName: 'a.example.com' }),
      new asn1.GeneralName({ iPAddress: '10.0.0.1' }),
      new asn1.GeneralName({ iPAddress: '2001:db8:0:0:0:0:0:1' }),
      new asn1.GeneralName({ uniformResourceIdentifier: 'spiffe://example.com/x' }),
      new asn1.GeneralName({ rfc822Name: 'a@example.com' }),
      new asn1.GeneralName({
        directoryName: AsnConvert.parse(encodeName([[{ type: 'CN', value: 'dir' }]]), asn1.Name),
      }),
    ]);
    assert.equal(hex(ours.value), hex(AsnConvert.serialize(expected)));
    const id = new Uint8Array(20).fill(7);
    assert.equal(
      hex(subjectKeyIdentifier(id).value),
      hex(AsnConvert.serialize(new asn1.SubjectKeyIdentifier(id))),
    );
    assert.throws(() => subjectAltName([{ dns: 'bücher.example' }]), {
      code: 'CUSTOS_PKI_PARAMETER_INVALID',
    });
  });

  it('remembered values are the same for the same input and differ for another', () => {
    assert.equal(keyUsage(['digitalSignature']), keyUsage(['digitalSignature']));
    assert.notEqual(hex(keyUsage(['digitalSignature']).value), hex(keyUsage(['keyCertSign']).value));
    const aia = authorityInfoAccess({ ocsp: ['http://a/ocsp'] });
    assert.equal(aia, authorityInfoAccess({ ocsp: ['http://a/ocsp'] }));
    assert.notEqual(hex(aia.value), hex(authorityInfoAccess({ ocsp: ['http://b/ocsp'] }).value));
  });
});
