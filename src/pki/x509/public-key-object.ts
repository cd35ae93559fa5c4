/**
 * A DER SubjectPublicKeyInfo as a node:crypto KeyObject, for verifying signatures (CSRs, certificates on a path).
 *
 * Why not `createPublicKey({ format: 'der', type: 'spki' })` alone: on Node 20 (OpenSSL 3) its decoder costs
 * ~130 µs for an RSA-2048 key and ~137 µs for a P-256 key per import on this machine, more than the verification it
 * is for (a P-256 verify with a loaded key: ~82 µs). Imported as a JWK from the same numbers it costs 3.8 µs (RSA)
 * and 81 µs (P-256: the point is checked against the curve either way). So rsaEncryption keys and uncompressed points
 * on the NIST curves are read with the one SPKI reader (`readSubjectPublicKey`) and imported as JWK; anything else
 * (RSA-PSS, Ed25519, compressed points, explicit curve parameters, an encoding the strict reader refuses) goes
 * through the DER decoder as before. Throws what createPublicKey throws for a key it cannot load.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { OID_RSA_ENCRYPTION } from '../asn1/algorithms.js';
import { PkiFormatError } from '../problem.js';
import { readSubjectPublicKey, type SubjectPublicKey } from './public-key.js';

const COORDINATE_BYTES: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

const base64url = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

export function publicKeyObject(spki: Uint8Array): KeyObject {
  let key: SubjectPublicKey | null = null;
  try {
    key = readSubjectPublicKey(spki);
  } catch (error) {
    if (!(error instanceof PkiFormatError)) throw error;
  }
  if (key?.rsa && key.oid === OID_RSA_ENCRYPTION) {
    return createPublicKey({
      key: { kty: 'RSA', n: base64url(key.rsa.modulus), e: base64url(key.rsa.publicExponent) },
      format: 'jwk',
    });
  }
  const size = key?.curve ? COORDINATE_BYTES[key.curve] : undefined;
  if (key && size !== undefined && key.keyBytes.length === 1 + 2 * size && key.keyBytes[0] === 0x04) {
    return createPublicKey({
      key: {
        kty: 'EC',
        crv: key.curve!,
        x: base64url(key.keyBytes.subarray(1, 1 + size)),
        y: base64url(key.keyBytes.subarray(1 + size)),
      },
      format: 'jwk',
    });
  }
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}
