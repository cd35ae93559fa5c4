import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import test from 'node:test';
import { PkiFormatError } from '../problem.js';
import { readSubjectPublicKey } from './public-key.js';

const spki = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ format: 'der', type: 'spki' }));

test('readSubjectPublicKey: the facts, the OID, and the RSA numbers', () => {
  const rsa = readSubjectPublicKey(spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey));
  assert.equal(rsa.algorithm, 'RSA');
  assert.equal(rsa.size, 2048);
  assert.equal(rsa.oid, '1.2.840.113549.1.1.1');
  assert.equal(Buffer.from(rsa.algorithmDer).toString('hex'), '300d06092a864886f70d0101010500');
  assert.equal(rsa.rsa?.modulus.length, 256, 'no sign octet');
  assert.deepEqual([...rsa.rsa!.publicExponent], [0x01, 0x00, 0x01]);

  const ec = readSubjectPublicKey(spki(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey));
  assert.deepEqual(
    [ec.algorithm, ec.curve, ec.size, ec.rsa, ec.keyBytes.length],
    ['ECDSA', 'P-384', 384, null, 97],
  );
  const ed = readSubjectPublicKey(spki(generateKeyPairSync('ed25519').publicKey));
  assert.deepEqual([ed.algorithm, ed.keyBytes.length], ['Ed25519', 32]);
});

test('readSubjectPublicKey refuses what is not one strict-DER SPKI', () => {
  const good = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  const refused = (bytes: Uint8Array, message: RegExp) =>
    assert.throws(
      () => readSubjectPublicKey(bytes),
      (e: unknown) =>
        e instanceof PkiFormatError && e.code === 'CUSTOS_DER_MALFORMED' && message.test(e.message),
    );
  refused(new Uint8Array([...good, 0]), /unexpected bytes|runs|length/);
  refused(good.subarray(0, good.length - 1), /past its end|runs/);
  // an RSAPublicKey whose modulus INTEGER is negative (80 01: high bit set, no sign octet)
  const negative = Buffer.from('301b300d06092a864886f70d0101010500030a00300702028001020103', 'hex');
  refused(new Uint8Array(negative), /RSA modulus: negative/);
  const positive = Buffer.from('301c300d06092a864886f70d0101010500030b0030080203008001020103', 'hex');
  assert.deepEqual([...readSubjectPublicKey(new Uint8Array(positive)).rsa!.modulus], [0x80, 0x01]);
});
