import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rc2CbcDecrypt, rc2DecryptBlocks } from './rc2.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

test('RC2 decrypts the RFC 2268 section 5 test vectors', () => {
  const vectors: [key: string, bits: number, plaintext: string, ciphertext: string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  ];
  for (const [key, bits, plaintext, ciphertext] of vectors) {
    assert.equal(Buffer.from(rc2DecryptBlocks(hex(key), bits, hex(ciphertext))).toString('hex'), plaintext);
  }
});

test('RC2-CBC rejects a wrong key by its padding', () => {
  // RFC 2268 vector 7 as a one-block CBC message with a zero IV: the plaintext is all zeros, not valid padding.
  assert.throws(() =>
    rc2CbcDecrypt(hex('88bca90e90875a7f0f79c384627bafb2'), 128, new Uint8Array(8), hex('2269552ab0f85ca6')),
  );
});
