import assert from 'node:assert/strict';
import { hash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { iterateDigest } from './iterated-digest.js';

test('iterated SHA-1, SHA-224, SHA-256 (JS) and SHA-384/512 (Node) equal repeated node:crypto hashing', () => {
  for (const algorithm of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) {
    for (const times of [0, 1, 2, 7, 100]) {
      const start = hash(algorithm, randomBytes(40), 'buffer');
      let expected: Uint8Array = start;
      for (let i = 0; i < times; i++) expected = hash(algorithm, expected, 'buffer');
      assert.deepEqual(
        Buffer.from(iterateDigest(algorithm, start, times)).toString('hex'),
        Buffer.from(expected).toString('hex'),
        `${algorithm} x${times}`,
      );
    }
  }
});
