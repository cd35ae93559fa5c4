import assert from 'node:assert/strict';
import { createPublicKey, ECDH, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import test from 'node:test';
import { publicKeyObject } from './public-key-object.js';

const spki = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ format: 'der', type: 'spki' }));
const fromDer = (der: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });

test('publicKeyObject loads the key the DER decoder loads, for every key type the CA and the scanners meet', () => {
  const pairs: Array<[string, { publicKey: KeyObject; privateKey: KeyObject }]> = [
    ['RSA-2048', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['RSA-3072 e=3', generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 3 })],
    ['RSA-PSS', generateKeyPairSync('rsa-pss', { modulusLength: 2048 })],
    ['P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['P-384', generateKeyPairSync('ec', { namedCurve: 'P-384' })],
    ['P-521', generateKeyPairSync('ec', { namedCurve: 'P-521' })],
    ['secp256k1', generateKeyPairSync('ec', { namedCurve: 'secp256k1' })],
    ['Ed25519', generateKeyPairSync('ed25519')],
  ];
  const data = Buffer.from('the TBSCertificate');
  for (const [name, { publicKey, privateKey }] of pairs) {
    const der = spki(publicKey);
    const loaded = publicKeyObject(der);
    assert.deepEqual(spki(loaded), der, `${name}: the same SubjectPublicKeyInfo`);
    const digest = name === 'Ed25519' ? null : 'sha256';
    assert.ok(verify(digest, data, loaded, sign(digest, data, privateKey)), `${name}: verifies`);
  }
});

test('a compressed P-256 point goes through the DER decoder and loads the same key', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = spki(publicKey);
  const point = ECDH.convertKey(
    der.subarray(der.length - 65),
    'prime256v1',
    undefined,
    undefined,
    'compressed',
  );
  // SEQUENCE { id-ecPublicKey prime256v1, BIT STRING 00 || 02/03 || X } (RFC 5480 §2.2)
  const compressed = Buffer.concat([
    Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'),
    point as Buffer,
  ]);
  // The same key (a compressed point is exported compressed again, so the JWKs are compared).
  assert.deepEqual(
    publicKeyObject(compressed).export({ format: 'jwk' }),
    publicKey.export({ format: 'jwk' }),
  );
  assert.deepEqual(fromDer(compressed).export({ format: 'jwk' }), publicKey.export({ format: 'jwk' }));
});

test('a point off the curve is refused, as by the DER decoder', () => {
  const der = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  const broken = new Uint8Array(der);
  broken[broken.length - 1] ^= 0x01; // y changes: (x, y') is not on the curve
  assert.throws(() => fromDer(broken));
  assert.throws(() => publicKeyObject(broken));
});
