/**
 * Key type and size (CA/Browser Forum Baseline Requirements 6.1.5 and 7.1.3.1; Mozilla Root Store Policy 5.1):
 * - RSA: rsaEncryption with NULL parameters (not id-RSASSA-PSS), a modulus of 2048 to 8192 bits whose size is a
 *   multiple of 8 (the upper bound keeps a hostile request from costing the CA and every relying party);
 * - ECDSA: id-ecPublicKey on the named curves P-256 or P-384 — P-521 is refused, as Mozilla's policy refuses it
 *   and Chrome no longer verifies it;
 * - Ed25519 (RFC 8410), for internal clients; Ed448 and everything else are refused.
 * The key must also load (node:crypto refuses an EC point that is not on its curve, RFC 5480 §2.2): a CSR's key
 * loaded when its signature was verified, another key is loaded here.
 */
import { publicKeyObject } from '../../../pki/x509/public-key-object.js';
import type { IssuanceCheck } from './issuance-check.js';
import { sameBytes } from '../../../pki/asn1/tlv.js';
import { subjectKey } from './subject-key.js';

/** AlgorithmIdentifier rsaEncryption with NULL parameters (BR 7.1.3.1.1) and id-Ed25519 without parameters. */
const RSA_ENCRYPTION_NULL = Buffer.from('300d06092a864886f70d0101010500', 'hex');
const ED25519 = Buffer.from('300506032b6570', 'hex');

export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;

const refuse = (message: string) => ({ code: 'CUSTOS_KEY_TYPE_NOT_ALLOWED', message }) as const;

export const keyTypeAllowed: IssuanceCheck = (request) => {
  const read = subjectKey(request.publicKeySpki);
  if (!read.ok) return refuse(`the public key cannot be read: ${read.message}`);
  const key = read.key;
  switch (key.algorithm) {
    case 'RSA': {
      if (!sameBytes(key.algorithmDer, RSA_ENCRYPTION_NULL))
        return refuse('an RSA key must be rsaEncryption with NULL parameters (BR 7.1.3.1.1), not RSASSA-PSS');
      const bits = key.size ?? 0;
      if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS)
        return refuse(`RSA ${bits} bits: the modulus must have ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits`);
      if (bits % 8 !== 0) return refuse(`RSA ${bits} bits: the modulus size must be a multiple of 8`);
      break;
    }
    case 'ECDSA':
      if (key.curve !== 'P-256' && key.curve !== 'P-384')
        return refuse(
          `ECDSA on ${key.curve ?? 'explicit or unnamed curve parameters'}: only P-256 and P-384`,
        );
      break;
    case 'Ed25519':
      if (!sameBytes(key.algorithmDer, ED25519) || key.keyBytes.length !== 32)
        return refuse('an Ed25519 key has no algorithm parameters and 32 bytes (RFC 8410 §3, §4)');
      break;
    default:
      return refuse(
        `${key.algorithm === 'unknown' ? `key algorithm ${key.oid}` : key.algorithm}: the CA signs RSA, ECDSA P-256/P-384 and Ed25519 keys`,
      );
  }
  // A CSR's key was loaded when its signature was verified (the first check); load a key without a CSR here.
  if (request.csr === null && !loads(request.publicKeySpki))
    return refuse(`the ${key.keyType} public key is not a valid key of its type`);
  return undefined;
};

function loads(spki: Uint8Array): boolean {
  try {
    publicKeyObject(spki);
    return true;
  } catch {
    return false;
  }
}
