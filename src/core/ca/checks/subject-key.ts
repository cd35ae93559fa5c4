/**
 * The request's public key, read once per request (several checks look at it) from its DER SubjectPublicKeyInfo
 * with the one SPKI reader of src/pki (`readSubjectPublicKey`).
 */
import { PkiFormatError } from '../../../pki/problem.js';
import { readSubjectPublicKey, type SubjectPublicKey } from '../../../pki/x509/public-key.js';
import { keyTypeName } from '../../policy/activation.js';

export interface SubjectKey extends SubjectPublicKey {
  /**
   * The key as `ca init --key-type` / provisioner `keyTypes` name it: `rsa-2048`, `rsa-3072`, ..., `ec-p256`,
   * `ec-p384`, `ec-p521`, `ed25519`, `ed448`; `unknown` for anything else.
   */
  keyType: string;
  /** RSA modulus and public exponent as integers; null for other keys. */
  modulus: bigint | null;
  exponent: bigint | null;
}

export type SubjectKeyResult = { ok: true; key: SubjectKey } | { ok: false; message: string };

const cache = new WeakMap<Uint8Array, SubjectKeyResult>();

/** The key of a DER SPKI, or why it cannot be read. Cached per byte array (one request's checks share it). */
export function subjectKey(spki: Uint8Array): SubjectKeyResult {
  let result = cache.get(spki);
  if (result === undefined) {
    result = read(spki);
    cache.set(spki, result);
  }
  return result;
}

function read(spki: Uint8Array): SubjectKeyResult {
  let key: SubjectPublicKey;
  try {
    key = readSubjectPublicKey(spki);
  } catch (error) {
    if (error instanceof PkiFormatError) return { ok: false, message: error.message };
    throw error;
  }
  return {
    ok: true,
    key: {
      ...key,
      keyType: keyTypeName(key),
      modulus: key.rsa === null ? null : toBigInt(key.rsa.modulus),
      exponent: key.rsa === null ? null : toBigInt(key.rsa.publicExponent),
    },
  };
}

export function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}
