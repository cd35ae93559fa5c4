import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex as hex, problemCodeOf as codeOf } from '../../../test/support/pki.js';
import { decodeOid } from './oid.js';
import { Asn1Cursor, type Asn1Mode } from './reader.js';

const readIn = (mode: Asn1Mode, text: string) => () => {
  const bytes = hex(text);
  const cursor = new Asn1Cursor(bytes, 0, bytes.length, mode);
  cursor.next('value');
  return [cursor.start, cursor.end, cursor.pos];
};

test('the three modes: what each accepts of BER', () => {
  const cases: Array<[string, string, Record<Asn1Mode, string | undefined>]> = [
    ['30 03 020105', 'DER', { ber: undefined, 'lenient-der': undefined, 'strict-der': undefined }],
    [
      '30 8103 020105',
      'non-minimal length',
      { ber: undefined, 'lenient-der': undefined, 'strict-der': 'CUSTOS_DER_MALFORMED' },
    ],
    [
      '30 80 020105 0000',
      'indefinite length',
      { ber: undefined, 'lenient-der': 'CUSTOS_DER_MALFORMED', 'strict-der': 'CUSTOS_DER_MALFORMED' },
    ],
    [
      '1f8101 01 00',
      'high tag number',
      { ber: undefined, 'lenient-der': undefined, 'strict-der': 'CUSTOS_DER_MALFORMED' },
    ],
    [
      '30 05 0201',
      'cut short',
      {
        ber: 'CUSTOS_FILE_TRUNCATED',
        'lenient-der': 'CUSTOS_DER_MALFORMED',
        'strict-der': 'CUSTOS_DER_MALFORMED',
      },
    ],
  ];
  for (const [text, what, expected] of cases) {
    for (const mode of ['ber', 'lenient-der', 'strict-der'] as const) {
      assert.equal(codeOf(readIn(mode, text)), expected[mode], `${what} in ${mode}`);
    }
  }
  assert.deepEqual(readIn('ber', '30 80 020105 0000')(), [2, 5, 7]);
});

test('one OID decoder: exact above 2^53, a cut-off last arc refused, non-minimal arcs refused in strict mode', () => {
  const oid = (text: string, strict = false) => {
    const bytes = hex(text);
    return decodeOid(bytes, 0, bytes.length, strict);
  };
  assert.equal(oid('2a864886f70d010101'), '1.2.840.113549.1.1.1');
  assert.equal(oid('2a 81ffffffffffffffff7f'), '1.2.' + ((1n << 64n) - 1n).toString());
  assert.equal(oid('8837'), '2.999');
  assert.equal(
    codeOf(() => oid('2a8648 86')),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(oid('2a 8001'), '1.2.1');
  assert.equal(
    codeOf(() => oid('2a 8001', true)),
    'CUSTOS_DER_MALFORMED',
  );
});
