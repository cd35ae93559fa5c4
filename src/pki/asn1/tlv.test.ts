import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex as hex, problemCodeOf as codeOf } from '../../../test/support/pki.js';
import { children, oidText, readTlv, smallInteger, stringBytes } from './tlv.js';

test('definite lengths, short and long form', () => {
  const bytes = hex('30 81 03 02 01 05');
  const tlv = readTlv(bytes, 0);
  assert.deepEqual(tlv, { id: 0x30, start: 0, contentStart: 3, contentEnd: 6, end: 6 });
  assert.equal(smallInteger(bytes, children(bytes, tlv)[0]!), 5);
});

test('BER indefinite lengths and constructed OCTET STRINGs (as Windows and Java write PKCS#12)', () => {
  // SEQUENCE (indefinite) { OCTET STRING constructed (indefinite) { "ab", "cd" }, OID 1.2.840.113549.1.7.1 }
  const bytes = hex('30 80 24 80 04 02 6162 04 02 6364 00 00 06 09 2a864886f70d010701 00 00');
  const outer = readTlv(bytes, 0);
  assert.equal(outer.end, bytes.length);
  const [octets, oid] = children(bytes, outer);
  assert.equal(Buffer.from(stringBytes(bytes, octets!)).toString(), 'abcd');
  assert.equal(oidText(bytes, oid!), '1.2.840.113549.1.7.1');
});

test('a length past the end of the input is truncated; past the end of its parent is malformed', () => {
  assert.equal(
    codeOf(() => readTlv(hex('30 82 01 00 02 01'), 0)),
    'CUSTOS_FILE_TRUNCATED',
  );
  assert.equal(
    codeOf(() => children(hex('30 03 02 05 00 00 00 00'), readTlv(hex('30 03 02 05 00 00 00 00'), 0))),
    'CUSTOS_DER_MALFORMED',
  );
  assert.equal(
    codeOf(() => readTlv(hex('30 80 02 01 00'), 0)),
    'CUSTOS_FILE_TRUNCATED',
  );
  assert.equal(
    codeOf(() => readTlv(hex('30 85 01 00 00 00 00'), 0)),
    'CUSTOS_DER_MALFORMED',
  );
});

test('nesting is bounded, so a hostile input cannot exhaust the stack', () => {
  const deep = new Uint8Array(2 * 10_000 + 2);
  for (let i = 0; i < 10_000; i++) deep.set([0x30, 0x80], 2 * i);
  assert.equal(
    codeOf(() => readTlv(deep, 0)),
    'CUSTOS_DER_MALFORMED',
  );
});
