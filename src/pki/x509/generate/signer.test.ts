// The writer's signature algorithms come from the one registry (src/pki/asn1/algorithms.ts): each
// AlgorithmIdentifier is what @peculiar/asn1-x509 writes, NULL parameters for RSA and none for ECDSA and EdDSA.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex as hex } from '../../../../test/support/pki.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { signatureAlgorithmNamed } from '../../asn1/algorithms.js';
import {
  nodeDigest,
  SIGNATURE_ALGORITHMS,
  signatureAlgorithmIdentifier,
  signatureAlgorithmOid,
} from './signer.js';

test('every signer algorithm is the registry entry of its name, encoded as the schema encodes it', () => {
  for (const name of SIGNATURE_ALGORITHMS) {
    const info = signatureAlgorithmNamed(name)!;
    assert.equal(signatureAlgorithmOid(name), info.oid);
    assert.equal(nodeDigest(info.oid), info.nodeDigest);
    const rsa = name.endsWith('WithRSAEncryption');
    const expected = new asn1.AlgorithmIdentifier({
      algorithm: info.oid,
      ...(rsa ? { parameters: null } : {}),
    });
    assert.equal(hex(signatureAlgorithmIdentifier(name)), hex(AsnConvert.serialize(expected)), name);
  }
  assert.equal(
    hex(signatureAlgorithmIdentifier('sha256WithRSAEncryption')),
    '300d06092a864886f70d01010b0500',
  );
  assert.equal(hex(signatureAlgorithmIdentifier('ecdsa-with-SHA256')), '300a06082a8648ce3d040302');
  assert.equal(hex(signatureAlgorithmIdentifier('Ed25519')), '300506032b6570');
});

test('nodeDigest knows only what a signer can produce', () => {
  assert.equal(nodeDigest('1.2.840.10045.4.3.3'), 'sha384');
  assert.equal(nodeDigest('1.3.101.112'), null);
  assert.equal(nodeDigest('1.2.840.113549.1.1.10'), undefined); // RSA-PSS
  assert.equal(nodeDigest('1.2.840.113549.1.1.4'), undefined); // md5WithRSAEncryption
  assert.equal(nodeDigest('1.2.840.10040.4.3'), undefined); // DSA
});
