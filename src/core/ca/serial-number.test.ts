import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialDecimal } from './serial-number.js';

test('serialDecimal prints the hex serial in decimal, as Go big.Int.String() does', () => {
  assert.equal(serialDecimal('00'), '0');
  assert.equal(serialDecimal('ff'), '255'); // DER 00 ff: positive
  assert.equal(serialDecimal('1000'), '4096');
  // 128 bits, past Number's 53: exact.
  assert.equal(serialDecimal('ffffffffffffffffffffffffffffffff'), '340282366920938463463374607431768211455');
});
