import { createDecipheriv, getCiphers, pbkdf2Sync } from 'node:crypto';
import { PkiFormatError } from '../problem.js';
import { HMAC_OIDS } from '../asn1/algorithms.js';
import { TAG } from '../asn1/reader.js';
import { children, oidText, smallInteger, stringBytes, type Tlv } from '../asn1/tlv.js';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';
import { rc2CbcDecrypt } from './rc2.js';
import type { WorkBudget } from './work-budget.js';

/**
 * Password-based decryption for PKCS#12 contents and shrouded keys:
 * - PBES2 (RFC 8018) with PBKDF2 (HMAC-SHA-1/224/256/384/512) and AES-128/192/256-CBC or DES-EDE3-CBC:
 *   OpenSSL 3's and recent keytool's default; the password is its UTF-8 bytes.
 * - the PKCS#12 PBE algorithms (RFC 7292 appendix C) with 3-key or 2-key triple DES, 128-bit or 40-bit RC2:
 *   `openssl pkcs12 -legacy`, OpenSSL 1.x, older keytool and Windows; the password is its BMPString.
 * An unknown algorithm (RC4, single DES, ...) is CUSTOS_PKCS12_UNSUPPORTED; a wrong password fails the
 * padding check and throws a plain Error.
 */
export interface PasswordCandidate {
  text: string;
  /** The BMPString form for the PKCS#12 KDF (the absent password is the empty byte string). */
  bmp: Uint8Array;
}

/**
 * Iteration counts above these are refused (CUSTOS_PKCS12_UNSUPPORTED), so a hostile file cannot stall a
 * scan. Tools default to 2048 (OpenSSL) or 10000 (keytool). The PKCS#12 KDF iterates in JavaScript, one
 * Node hash call (~5 us) per round, so its bound is lower than native PBKDF2's.
 */
export const MAX_PKCS12_KDF_ITERATIONS = 100_000;
export const MAX_PBKDF2_ITERATIONS = 1_000_000;

const PKCS12_PBE: Record<string, { cipher: string; keyLength: number; rc2Bits?: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', keyLength: 16 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyLength: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyLength: 5, rc2Bits: 40 },
};

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';

const PBES2_CIPHER: Record<string, { cipher: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24 },
};

let nodeCiphers: Set<string> | undefined;

function decipher(name: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  nodeCiphers ??= new Set(getCiphers());
  if (!nodeCiphers.has(name)) unsupported(`this Node.js has no ${name} cipher`);
  const d = createDecipheriv(name, key, iv);
  return Buffer.concat([d.update(data), d.final()]);
}

function unsupported(message: string): never {
  throw new PkiFormatError('CUSTOS_PKCS12_UNSUPPORTED', message);
}

function malformed(message: string): never {
  throw new PkiFormatError('CUSTOS_DER_MALFORMED', message);
}

export function iterationCount(bytes: Uint8Array, tlv: Tlv | undefined, max: number): number {
  if (!tlv) malformed('PBE parameters lack an iteration count');
  const count = smallInteger(bytes, tlv);
  if (count < 1 || count > max) unsupported(`iteration count ${count} is outside 1..${max}`);
  return count;
}

/** Decrypts `ciphertext` with the algorithm an AlgorithmIdentifier names. */
export function pbeDecrypt(
  bytes: Uint8Array,
  algorithm: Tlv,
  ciphertext: Uint8Array,
  password: PasswordCandidate,
  budget: WorkBudget,
): Uint8Array {
  const [oid, params] = children(bytes, algorithm);
  if (!oid) malformed('empty AlgorithmIdentifier');
  const name = oidText(bytes, oid);
  if (params?.id !== TAG.SEQUENCE) malformed(`algorithm ${name} has no parameters`);
  const pkcs12 = PKCS12_PBE[name];
  if (pkcs12) {
    const [salt, iterations] = children(bytes, params);
    if (salt?.id !== TAG.OCTET_STRING) malformed('PKCS#12 PBE parameters lack a salt');
    const saltBytes = stringBytes(bytes, salt);
    const count = iterationCount(bytes, iterations, MAX_PKCS12_KDF_ITERATIONS);
    budget.spend(2 * count);
    const key = pkcs12Kdf('sha1', password.bmp, saltBytes, count, KDF_PURPOSE.key, pkcs12.keyLength);
    const iv = pkcs12Kdf('sha1', password.bmp, saltBytes, count, KDF_PURPOSE.iv, 8);
    return pkcs12.rc2Bits
      ? rc2CbcDecrypt(key, pkcs12.rc2Bits, iv, ciphertext)
      : decipher(pkcs12.cipher, key, iv, ciphertext);
  }
  if (name !== OID_PBES2) unsupported(`encryption algorithm ${name} is not supported`);
  const [kdf, scheme] = children(bytes, params);
  if (kdf?.id !== TAG.SEQUENCE || scheme?.id !== TAG.SEQUENCE) malformed('PBES2 parameters are incomplete');
  const [kdfOid, kdfParams] = children(bytes, kdf);
  if (!kdfOid || oidText(bytes, kdfOid) !== OID_PBKDF2) unsupported('PBES2 with a KDF other than PBKDF2');
  if (kdfParams?.id !== TAG.SEQUENCE) malformed('PBKDF2 parameters are missing');
  const [salt, iterations, ...rest] = children(bytes, kdfParams);
  if (salt?.id !== TAG.OCTET_STRING) unsupported('PBKDF2 with a salt that is not an OCTET STRING');
  const count = iterationCount(bytes, iterations, MAX_PBKDF2_ITERATIONS);
  budget.spend(count);
  const prfTlv = rest.find((t) => t.id === TAG.SEQUENCE);
  const prfOid = prfTlv ? children(bytes, prfTlv)[0] : undefined;
  const prfName = prfOid ? oidText(bytes, prfOid) : '1.2.840.113549.2.7';
  const prf = HMAC_OIDS[prfName] ?? unsupported(`PBKDF2 pseudo-random function ${prfName}`);
  const [schemeOid, ivTlv] = children(bytes, scheme);
  if (!schemeOid) malformed('PBES2 encryption scheme is empty');
  const schemeName = oidText(bytes, schemeOid);
  const cipher = PBES2_CIPHER[schemeName] ?? unsupported(`PBES2 cipher ${schemeName}`);
  if (ivTlv?.id !== TAG.OCTET_STRING) malformed('PBES2 cipher parameters lack an IV');
  const key = pbkdf2Sync(
    Buffer.from(password.text, 'utf8'),
    stringBytes(bytes, salt),
    count,
    cipher.keyLength,
    prf,
  );
  return decipher(cipher.cipher, key, stringBytes(bytes, ivTlv), ciphertext);
}
