/**
 * What a key of each Custos key type is on a token: its generation mechanism and templates, how its public key
 * is read back as a DER SubjectPublicKeyInfo, and which signature it makes.
 *
 * The public key goes through node:crypto (a JWK from CKA_EC_POINT or CKA_MODULUS/CKA_PUBLIC_EXPONENT, exported as
 * SPKI), which also checks that the point is on the curve; the few DER values (the curve OID of CKA_EC_PARAMS,
 * the OCTET STRING of CKA_EC_POINT) go through the tree's one reader and writer.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { KeyType } from '../../core/ports/key-manager.js';
import { TAG } from '../../pki/asn1/reader.js';
import { contentOf, expectTlv, oidText, readTlv } from '../../pki/asn1/tlv.js';
import { objectIdentifier } from '../../pki/x509/generate/der-writer.js';
import type { SignatureAlgorithm } from '../../pki/x509/generate/signer.js';
import {
  CKK_EC_EDWARDS,
  CKM_EC_EDWARDS_KEY_PAIR_GEN,
  CKM_EDDSA,
  pkcs11js,
  ulong,
  type Pkcs11,
} from './pkcs11-module.js';

interface Curve {
  oid: string;
  jwk: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  /** Octets of one coordinate (the public key of Ed25519). */
  size: number;
}

const CURVES: Curve[] = [
  { oid: '1.2.840.10045.3.1.7', jwk: 'P-256', size: 32 },
  { oid: '1.3.132.0.34', jwk: 'P-384', size: 48 },
  { oid: '1.3.132.0.35', jwk: 'P-521', size: 66 },
  { oid: '1.3.101.112', jwk: 'Ed25519', size: 32 },
];
const curveByJwk = (name: Curve['jwk']): Curve => CURVES.find((c) => c.jwk === name)!;

/** How a key type is generated on a token. */
export interface GenerationSpec {
  mechanism: number;
  /** The mechanism's name, for a message when the token lacks it. */
  mechanismName: string;
  /** Attributes of the public key template that say what key to make (curve, or modulus size and exponent). */
  publicAttributes: { type: number; value: Buffer | number }[];
}

const RSA_F4 = Buffer.from([0x01, 0x00, 0x01]);

function ec(mechanism: number, mechanismName: string, curve: Curve['jwk']): GenerationSpec {
  return {
    mechanism,
    mechanismName,
    publicAttributes: [
      { type: pkcs11js.CKA_EC_PARAMS, value: Buffer.from(objectIdentifier(curveByJwk(curve).oid)) },
    ],
  };
}

function rsa(bits: number): GenerationSpec {
  return {
    mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN,
    mechanismName: 'CKM_RSA_PKCS_KEY_PAIR_GEN',
    publicAttributes: [
      { type: pkcs11js.CKA_MODULUS_BITS, value: bits },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: RSA_F4 },
    ],
  };
}

export const GENERATION: Record<KeyType, GenerationSpec> = {
  'ec-p256': ec(pkcs11js.CKM_EC_KEY_PAIR_GEN, 'CKM_EC_KEY_PAIR_GEN', 'P-256'),
  'ec-p384': ec(pkcs11js.CKM_EC_KEY_PAIR_GEN, 'CKM_EC_KEY_PAIR_GEN', 'P-384'),
  'rsa-2048': rsa(2048),
  'rsa-3072': rsa(3072),
  'rsa-4096': rsa(4096),
  ed25519: ec(CKM_EC_EDWARDS_KEY_PAIR_GEN, 'CKM_EC_EDWARDS_KEY_PAIR_GEN', 'Ed25519'),
};

/** A key on the token as a signer sees it. */
export interface TokenKey {
  algorithm: SignatureAlgorithm;
  /** The signing mechanism: CKM_ECDSA over a digest, CKM_SHA256_RSA_PKCS, CKM_EDDSA over the data. */
  mechanism: number;
  /** node:crypto's digest name for CKM_ECDSA, which signs a digest the caller computed; null otherwise. */
  prehash: string | null;
  publicKeySpki: Uint8Array;
}

const attribute = (lib: Pkcs11, session: Buffer, object: Buffer, type: number): Buffer => {
  const [value] = lib.C_GetAttributeValue(session, object, [{ type }]);
  if (!value?.value) throw new Error(`attribute 0x${type.toString(16)} has no value`);
  return value.value;
};

/** The curve CKA_EC_PARAMS names: a namedCurve OID, or PKCS#11 3.0's PrintableString `edwards25519`. */
function curveOf(params: Buffer): Curve | undefined {
  const node = readTlv(params, 0, params.length, 'lenient-der');
  if (node.id === TAG.OID) {
    const oid = oidText(params, node);
    return CURVES.find((c) => c.oid === oid);
  }
  if (
    node.id === TAG.PRINTABLE_STRING &&
    Buffer.from(contentOf(params, node)).toString('latin1') === 'edwards25519'
  )
    return curveByJwk('Ed25519');
  return undefined;
}

/**
 * The public point of CKA_EC_POINT: PKCS#11 says a DER OCTET STRING around it, some modules give it bare; the
 * expected length tells them apart (an uncompressed point is 1 + 2 × size octets, an Edwards key `size`).
 */
function pointOf(value: Buffer, curve: Curve): Buffer {
  const bare = curve.jwk === 'Ed25519' ? curve.size : 1 + 2 * curve.size;
  if (value.length === bare && (curve.jwk === 'Ed25519' || value[0] === 0x04)) return value;
  return Buffer.from(contentOf(value, expectTlv(value, 0, value.length, TAG.OCTET_STRING, 'CKA_EC_POINT')));
}

const b64u = (bytes: Buffer): string => bytes.toString('base64url');
const trimmed = (bytes: Buffer): Buffer => {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
};

function spki(jwk: JsonWebKey): Uint8Array {
  return new Uint8Array(createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }));
}

/** The DER SPKI of an EC or Edwards public key object (or of an RSA key object, public or private). */
export function publicKeySpkiOf(
  lib: Pkcs11,
  session: Buffer,
  object: Buffer,
  keyType: number,
): { spki: Uint8Array; curve?: Curve } {
  if (keyType === pkcs11js.CKK_RSA) {
    const n = attribute(lib, session, object, pkcs11js.CKA_MODULUS);
    const e = attribute(lib, session, object, pkcs11js.CKA_PUBLIC_EXPONENT);
    return { spki: spki({ kty: 'RSA', n: b64u(trimmed(n)), e: b64u(trimmed(e)) }) };
  }
  const curve = curveOf(attribute(lib, session, object, pkcs11js.CKA_EC_PARAMS));
  if (!curve) throw new Error('the key is on a curve Custos does not sign with');
  const point = pointOf(attribute(lib, session, object, pkcs11js.CKA_EC_POINT), curve);
  if (curve.jwk === 'Ed25519') return { spki: spki({ kty: 'OKP', crv: 'Ed25519', x: b64u(point) }), curve };
  const x = point.subarray(1, 1 + curve.size);
  const y = point.subarray(1 + curve.size);
  return { spki: spki({ kty: 'EC', crv: curve.jwk, x: b64u(x), y: b64u(y) }), curve };
}

/** The key type (CKK_*) of a key object. */
export function keyTypeOf(lib: Pkcs11, session: Buffer, object: Buffer): number {
  return ulong(attribute(lib, session, object, pkcs11js.CKA_KEY_TYPE));
}

/** The curve of an EC or Edwards key object (CKA_EC_PARAMS is public on private keys too). */
export function curveOfKey(lib: Pkcs11, session: Buffer, object: Buffer): Curve | undefined {
  return curveOf(attribute(lib, session, object, pkcs11js.CKA_EC_PARAMS));
}

/**
 * The signature a key makes, chosen as the software signer chooses it (node-signer.ts): ECDSA with the curve's
 * hash (P-256: SHA-256, P-384: SHA-384, P-521: SHA-512), RSA PKCS#1 v1.5 with SHA-256, Ed25519.
 */
export function signatureOf(
  keyType: number,
  curve: Curve | undefined,
): Omit<TokenKey, 'publicKeySpki'> | undefined {
  if (keyType === pkcs11js.CKK_RSA)
    return { algorithm: 'sha256WithRSAEncryption', mechanism: pkcs11js.CKM_SHA256_RSA_PKCS, prehash: null };
  if (keyType === pkcs11js.CKK_EC) {
    switch (curve?.jwk) {
      case 'P-256':
        return { algorithm: 'ecdsa-with-SHA256', mechanism: pkcs11js.CKM_ECDSA, prehash: 'sha256' };
      case 'P-384':
        return { algorithm: 'ecdsa-with-SHA384', mechanism: pkcs11js.CKM_ECDSA, prehash: 'sha384' };
      case 'P-521':
        return { algorithm: 'ecdsa-with-SHA512', mechanism: pkcs11js.CKM_ECDSA, prehash: 'sha512' };
      default:
        return undefined;
    }
  }
  if (keyType === CKK_EC_EDWARDS && curve?.jwk === 'Ed25519')
    return { algorithm: 'Ed25519', mechanism: CKM_EDDSA, prehash: null };
  return undefined;
}
