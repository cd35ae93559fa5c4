// The hand-encoded names are byte for byte what the @peculiar/asn1-x509 schema writes, and the one table of
// attribute types (src/pki/x509/names.ts) serves the writer and the reader alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex as hex } from '../../../../test/support/pki.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { encodeName } from './distinguished-name.js';
import { attributeTypeNamed, readName } from '../names.js';

/** Where the content of a DER SEQUENCE starts (after its header). */
const contentStart = (der: Uint8Array): number => (der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2);

describe('distinguished names', () => {
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

  it('every short name the reader prints, the writer takes, and the value reads back', () => {
    const short = ['CN', 'SN', 'C', 'L', 'ST', 'O', 'OU', 'T', 'G', 'I', 'DC', 'E'];
    const der = encodeName(short.map((type) => [{ type, value: type === 'C' ? 'DE' : `v-${type}` }]));
    // Printed as RFC 4514 orders a name: the last RDN first.
    const text = short
      .map((type) => `${type}=${type === 'C' ? 'DE' : `v-${type}`}`)
      .reverse()
      .join(', ');
    assert.equal(readName(Buffer.from(der), contentStart(der), der.length, 'name').text, text);
    // Types the writer knows by name and the reader prints as their OID, as @peculiar/x509 does.
    const more = encodeName([[{ type: 'serialNumber', value: '42' }], [{ type: 'street', value: 'Main' }]]);
    assert.equal(
      readName(Buffer.from(more), contentStart(more), more.length, 'name').text,
      '2.5.4.9=Main, 2.5.4.5=42',
    );
    assert.equal(attributeTypeNamed('serialNumber')?.stringType, 'printable');
    assert.throws(() => encodeName([[{ type: 'C', value: 'D_E' }]]), {
      code: 'CUSTOS_PKI_PARAMETER_INVALID',
    });
    assert.throws(() => encodeName([[{ type: 'Nickname', value: 'x' }]]), {
      code: 'CUSTOS_PKI_PARAMETER_INVALID',
    });
  });
});
