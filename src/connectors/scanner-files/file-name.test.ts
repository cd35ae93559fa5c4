import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileNameText } from './file-name.js';

test('a valid UTF-8 name is its text', () => {
  assert.equal(fileNameText(Buffer.from('café-€-𝄞.pem')), 'café-€-𝄞.pem');
});

test('each byte of an invalid sequence shows as \\xHH, valid characters around it stay', () => {
  const cases: Array<[number[], string]> = [
    [[0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x65, 0x6d], 'caf\\xe9.pem'], // Latin-1 é
    [[0xff], '\\xff'],
    [[0xc3], '\\xc3'], // a truncated two-byte sequence
    [[0xc0, 0xaf], '\\xc0\\xaf'], // an overlong '/'
    [[0xed, 0xa0, 0x80], '\\xed\\xa0\\x80'], // a UTF-16 surrogate
    [[0xf4, 0x90, 0x80, 0x80], '\\xf4\\x90\\x80\\x80'], // above U+10FFFF
    [[0xe2, 0x82, 0x41], '\\xe2\\x82A'], // a three-byte sequence cut short
    [[0xc3, 0xa9, 0xff, 0xc3, 0xa9], 'é\\xffé'],
  ];
  for (const [bytes, text] of cases) assert.equal(fileNameText(Buffer.from(bytes)), text, text);
});

test('the same bytes always give the same text', () => {
  const name = Buffer.from([0x6b, 0x65, 0x79, 0xfe, 0xff]);
  assert.equal(fileNameText(name), fileNameText(Buffer.from(name)));
});
