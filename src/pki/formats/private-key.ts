import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { PkiFormatError } from '../problem.js';
import { TAG } from '../asn1/reader.js';
import { children, readTlv, smallInteger, stringBytes, type Tlv } from '../asn1/tlv.js';
import type { ContainerCollector } from './container-collector.js';
import { pbeDecrypt } from './pbe.js';
import { bmpPassword } from './pkcs12-kdf.js';
import type { WorkBudget } from './work-budget.js';

/**
 * Private keys are recorded only by the SHA-256 of the DER SubjectPublicKeyInfo of their public key (the
 * same definition as ParsedCertificate.publicKeySha256), so a key can be matched to its certificate without
 * keeping any key material. Node's crypto (OpenSSL) parses the key and derives the public key; the key
 * object is dropped at once.
 */
export type PrivateKeyEncoding = 'pkcs8' | 'pkcs1' | 'sec1';

export function publicKeySha256(privateKey: KeyObject): string {
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

/** The public-key hash of an unencrypted DER private key; throws when Node cannot read the key. */
export function publicKeySha256OfDer(der: Uint8Array, type: PrivateKeyEncoding): string {
  return publicKeySha256(createPrivateKey({ key: Buffer.from(der), format: 'der', type }));
}

/**
 * The passwords tried on an encrypted key: the empty one first, then every password given, each once.
 * (Kept small: every try of a PBKDF2-protected key costs its iteration count.)
 */
export function passwordsToTry(passwords: readonly string[]): string[] {
  return [...new Set(['', ...passwords])];
}

/**
 * Decrypts a DER EncryptedPrivateKeyInfo (PBES2, or a PKCS#12 PBE algorithm as `openssl pkcs8 -v1` writes)
 * with the first password that yields a PrivateKeyInfo; null when none does. The decryption is pbe.ts's, not
 * Node's, so the iteration-count limit protects a scan from hostile keys too.
 */
export function openEncryptedPkcs8(
  der: Uint8Array,
  passwords: readonly string[],
  budget: WorkBudget,
): Uint8Array | null {
  const [algorithm, data] = children(der, readTlv(der, 0));
  if (algorithm?.id !== TAG.SEQUENCE || data?.id !== TAG.OCTET_STRING) {
    throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'EncryptedPrivateKeyInfo is incomplete');
  }
  const ciphertext = stringBytes(der, data);
  for (const text of passwordsToTry(passwords)) {
    try {
      const plain = pbeDecrypt(der, algorithm, ciphertext, { text, bmp: bmpPassword(text) }, budget);
      if (isPrivateKeyInfo(plain)) return plain;
    } catch (error) {
      if (error instanceof PkiFormatError) throw error; // unsupported or malformed, whatever the password
    }
  }
  return null;
}

/** Opens a PEM key with legacy `Proc-Type: 4,ENCRYPTED` headers (one MD5 round per try, so cheap) by Node. */
function openLegacyPem(pem: string, passwords: readonly string[]): string | null {
  for (const passphrase of passwordsToTry(passwords)) {
    try {
      return publicKeySha256(createPrivateKey({ key: pem, format: 'pem', passphrase }));
    } catch {
      // a wrong password: try the next one
    }
  }
  return null;
}

/** Records an encrypted key: its public-key hash when a password opens it, else a CUSTOS_KEY_ENCRYPTED problem. */
export function addEncryptedKey(
  collector: ContainerCollector,
  key: { der: Uint8Array } | { pem: string },
  passwords: readonly string[],
  context: string,
): void {
  let hash: string | null;
  try {
    if ('pem' in key) hash = openLegacyPem(key.pem, passwords);
    else {
      const plain = openEncryptedPkcs8(key.der, passwords, collector.budget);
      hash = plain && publicKeySha256OfDer(plain, 'pkcs8');
    }
  } catch (error) {
    if (!(error instanceof PkiFormatError) || error.code !== 'CUSTOS_PKCS12_UNSUPPORTED') throw error;
    collector.problem(
      'CUSTOS_KEY_ENCRYPTED',
      `${context}: the private key cannot be decrypted: ${error.message}`,
    );
    return;
  }
  if (hash !== null) collector.addKey(hash);
  else {
    collector.problem(
      'CUSTOS_KEY_ENCRYPTED',
      `${context}: the private key is encrypted and neither an empty password nor any password given (--password, --password-file, CUSTOS_PASSWORDS, a scan profile's passwordsFromEnv) opens it`,
    );
  }
}

/** Whether decrypted bytes are exactly one PKCS#8 PrivateKeyInfo (how a right password is told from a wrong one). */
export function isPrivateKeyInfo(plain: Uint8Array): boolean {
  try {
    const tlv = readTlv(plain, 0);
    return tlv.end === plain.length && derKeyShape(plain, tlv) === 'pkcs8';
  } catch {
    return false;
  }
}

export type DerKeyShape = PrivateKeyEncoding | 'encrypted-pkcs8';

/**
 * Recognises the shape of a DER private key without decoding it: PKCS#8 PrivateKeyInfo
 * (INTEGER 0|1, AlgorithmIdentifier, OCTET STRING), EncryptedPrivateKeyInfo (AlgorithmIdentifier,
 * OCTET STRING), PKCS#1 RSAPrivateKey (nine INTEGERs), SEC1 ECPrivateKey (INTEGER 1, OCTET STRING, ...).
 */
export function derKeyShape(bytes: Uint8Array, outer: Tlv): DerKeyShape | null {
  if (outer.id !== TAG.SEQUENCE) return null;
  let parts: Tlv[];
  try {
    parts = children(bytes, outer);
  } catch {
    return null;
  }
  const [a, b, c] = parts;
  if (!a || !b) return null;
  const isAlgorithm = (t: Tlv): boolean => t.id === TAG.SEQUENCE && bytes[t.contentStart] === TAG.OID;
  if (isAlgorithm(a) && b.id === TAG.OCTET_STRING && parts.length === 2) return 'encrypted-pkcs8';
  if (a.id !== TAG.INTEGER || !c) return null;
  const version = versionOf(bytes, a);
  if ((version === 0 || version === 1) && isAlgorithm(b) && c.id === TAG.OCTET_STRING) return 'pkcs8';
  if (version === 1 && b.id === TAG.OCTET_STRING) return 'sec1';
  if (version === 0 && parts.length >= 9 && parts.every((p) => p.id === TAG.INTEGER)) return 'pkcs1';
  return null;
}

function versionOf(bytes: Uint8Array, tlv: Tlv): number {
  try {
    return smallInteger(bytes, tlv);
  } catch {
    return -1;
  }
}

/** Reads a DER node that may be a private key; returns false when it is not shaped like one. */
export function readDerPrivateKey(
  bytes: Uint8Array,
  outer: Tlv,
  collector: ContainerCollector,
  passwords: readonly string[],
): boolean {
  const shape = derKeyShape(bytes, outer);
  if (!shape) return false;
  const der = bytes.subarray(outer.start, outer.end);
  try {
    if (shape === 'encrypted-pkcs8')
      addEncryptedKey(collector, { der }, passwords, 'DER encrypted private key');
    else collector.addKey(publicKeySha256OfDer(der, shape));
  } catch (error) {
    collector.failure(error, `DER ${shape} private key`);
  }
  return true;
}
