import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpAddress, parseIpAddress } from './ip-address.js';

test('one text per address: RFC 5952 IPv6, IPv4-mapped addresses stay hexadecimal as certificates print them', () => {
  const cases: Array<[string, string]> = [
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['0:0:0:0:0:FFFF:0A00:0001', '::ffff:a00:1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['[::1]', '::1'],
  ];
  for (const [text, want] of cases) {
    const bytes = parseIpAddress(text);
    assert.ok(bytes, text);
    assert.equal(formatIpAddress(bytes), want, text);
  }
});
