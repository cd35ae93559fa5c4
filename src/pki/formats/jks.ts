import { createHash } from 'node:crypto';
import { PkiFormatError } from '../problem.js';
import { TAG } from '../asn1/reader.js';
import { children, oidText, readTlv, stringBytes } from '../asn1/tlv.js';
import { leadingCertificate } from './certificate-shape.js';
import { quote, type ContainerCollector } from './container-collector.js';
import { publicKeySha256OfDer } from './private-key.js';

/**
 * Java KeyStore (JKS, magic 0xFEEDFEED) and JCEKS (0xCECECECE), as sun.security.provider.JavaKeyStore
 * writes them: magic, version (1 or 2), entry count, then per entry a tag, an alias (Java modified UTF-8),
 * a timestamp and — for a trusted certificate (tag 2) one certificate, for a private key (tag 1) the
 * protected key and its certificate chain (version 2 names each certificate's type, "X.509"). The file ends
 * with a SHA-1 integrity digest over password || "Mighty Aphrodite" || everything before it.
 *
 * Certificates are stored in the clear and always returned. The digest is checked with each password and
 * "changeit" (the JDK's default); the password that matches is tried first on private keys. A JKS private
 * key (Sun's SHA-1 XOR key protector) is opened to derive its public key, and its integrity check proves the
 * password right; a key no password opens gets CUSTOS_KEY_ENCRYPTED. JCEKS keys (PBEWithMD5AndTripleDES) are
 * not opened, and a JCEKS secret-key entry (a serialized Java object of no stated length) ends the reading.
 */
export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;

const OID_JKS_KEY_PROTECTOR = '1.3.6.1.4.1.42.2.17.1.1';
const MAX_ENTRIES = 100_000;
const MAX_CHAIN = 100;

class Cursor {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  take(length: number, what: string): Uint8Array {
    if (this.offset + length > this.bytes.length) {
      throw new PkiFormatError('CUSTOS_FILE_TRUNCATED', `keystore ends inside ${what}`);
    }
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u32(what: string): number {
    const b = this.take(4, what);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  utf(what: string): string {
    const prefix = this.take(2, what);
    const length = (prefix[0]! << 8) | prefix[1]!;
    return Buffer.from(this.take(length, what)).toString('utf8');
  }
}

/** UTF-16BE without terminator: how JKS feeds a password to SHA-1. */
function passwordBytes(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), 2 * i);
  return out;
}

export function readJks(
  bytes: Uint8Array,
  collector: ContainerCollector,
  passwords: readonly string[],
): void {
  const cursor = new Cursor(bytes);
  const jceks = cursor.u32('the magic') === JCEKS_MAGIC;
  const version = cursor.u32('the version');
  if (version !== 1 && version !== 2) {
    throw new PkiFormatError('CUSTOS_FILE_MALFORMED', `keystore version ${version} is neither 1 nor 2`);
  }
  const count = cursor.u32('the entry count');
  if (count > MAX_ENTRIES)
    throw new PkiFormatError('CUSTOS_FILE_MALFORMED', `keystore claims ${count} entries`);
  const candidates = [...new Set([...passwords, 'changeit'])];
  const protectedKeys: { alias: string; key: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    const tag = cursor.u32('an entry tag');
    const alias = cursor.utf('an alias');
    cursor.take(8, 'a timestamp');
    if (tag === 1) {
      const key = cursor.take(cursor.u32('a key length'), 'a protected key');
      const chainLength = cursor.u32('a chain length');
      if (chainLength > MAX_CHAIN)
        throw new PkiFormatError(
          'CUSTOS_FILE_MALFORMED',
          `alias ${quote(alias)} claims a chain of ${chainLength}`,
        );
      for (let c = 0; c < chainLength; c++) readCertificate(cursor, version, collector, alias);
      if (!jceks) protectedKeys.push({ alias, key });
    } else if (tag === 2) {
      readCertificate(cursor, version, collector, alias);
    } else if (jceks && tag === 3) {
      collector.problem(
        'CUSTOS_FILE_MALFORMED',
        `JCEKS secret-key entry ${quote(alias)} cannot be read; ${count - i - 1} entries after it were skipped`,
      );
      return;
    } else {
      throw new PkiFormatError(
        'CUSTOS_FILE_MALFORMED',
        `keystore entry ${quote(alias)} has unknown tag ${tag}`,
      );
    }
  }
  const body = bytes.subarray(0, cursor.offset);
  const digest = Buffer.from(cursor.take(20, 'the integrity digest'));
  const storePassword = candidates.find((p) =>
    createHash('sha1')
      .update(passwordBytes(p))
      .update('Mighty Aphrodite')
      .update(body)
      .digest()
      .equals(digest),
  );
  const keyPasswords =
    storePassword === undefined
      ? candidates
      : [storePassword, ...candidates.filter((p) => p !== storePassword)];
  for (const { alias, key } of protectedKeys) {
    try {
      const pkcs8 = openProtectedKey(key, keyPasswords);
      if (pkcs8) collector.addKey(publicKeySha256OfDer(pkcs8, 'pkcs8'), { alias });
      else {
        collector.problem(
          'CUSTOS_KEY_ENCRYPTED',
          `JKS key ${quote(alias)}: no --password (nor "changeit") opens it`,
        );
      }
    } catch (error) {
      collector.failure(error, `JKS key ${quote(alias)}`, true);
    }
  }
}

function readCertificate(
  cursor: Cursor,
  version: number,
  collector: ContainerCollector,
  alias: string,
): void {
  const type = version === 2 ? cursor.utf('a certificate type') : 'X.509';
  const der = cursor.take(cursor.u32('a certificate length'), 'a certificate');
  if (type !== 'X.509') return;
  try {
    collector.addCertificate(leadingCertificate(der), { alias });
  } catch (error) {
    collector.failure(error, `keystore certificate ${quote(alias)}`, true);
  }
}

/**
 * Sun's JKS key protector: EncryptedPrivateKeyInfo whose data is salt(20) || key XOR stream || check(20),
 * the stream being SHA-1(password || salt), SHA-1(password || previous), ... and the check
 * SHA-1(password || key). Returns the PKCS#8 PrivateKeyInfo, or null when no password passes the check.
 */
function openProtectedKey(encoded: Uint8Array, passwords: readonly string[]): Uint8Array | null {
  const info = readTlv(encoded, 0);
  const [algorithm, data] = children(encoded, info);
  const oid = algorithm?.id === TAG.SEQUENCE ? children(encoded, algorithm)[0] : undefined;
  if (!oid || oidText(encoded, oid) !== OID_JKS_KEY_PROTECTOR || data?.id !== TAG.OCTET_STRING) {
    throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'not a JKS-protected private key');
  }
  const protectedKey = stringBytes(encoded, data);
  if (protectedKey.length < 41) throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'protected key too short');
  const salt = protectedKey.subarray(0, 20);
  const encrypted = protectedKey.subarray(20, protectedKey.length - 20);
  const check = Buffer.from(protectedKey.subarray(protectedKey.length - 20));
  for (const password of passwords) {
    const pw = passwordBytes(password);
    const plain = new Uint8Array(encrypted.length);
    let digest: Uint8Array = salt;
    for (let at = 0; at < encrypted.length; at += 20) {
      digest = createHash('sha1').update(pw).update(digest).digest();
      for (let i = 0; i < 20 && at + i < encrypted.length; i++)
        plain[at + i] = encrypted[at + i]! ^ digest[i]!;
    }
    if (createHash('sha1').update(pw).update(plain).digest().equals(check)) return plain;
  }
  return null;
}
