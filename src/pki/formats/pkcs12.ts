import { createHmac } from 'node:crypto';
import { PkiFormatError } from '../problem.js';
import { DIGEST_OIDS } from '../asn1/algorithms.js';
import { TAG } from '../asn1/reader.js';
import { children, oidText, readTlv, smallInteger, stringBytes, type Tlv } from '../asn1/tlv.js';
import { leadingCertificate } from './certificate-shape.js';
import type { ContainerCollector } from './container-collector.js';
import { iterationCount, MAX_PKCS12_KDF_ITERATIONS, pbeDecrypt, type PasswordCandidate } from './pbe.js';
import { bmpPassword, digestSize, KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';
import { isPrivateKeyInfo, publicKeySha256OfDer } from './private-key.js';
import type { WorkBudget } from './work-budget.js';

/**
 * PKCS#12 / PFX (RFC 7292): PFX { version 3, authSafe ContentInfo(data), macData }. The authSafe holds
 * ContentInfos of SafeContents, in the clear (data) or password-encrypted (encryptedData); the SafeBags hold
 * certificates (certBag), keys (keyBag, pkcs8ShroudedKeyBag) and nested SafeContents.
 *
 * The password is found by the MAC (HMAC with a key from the PKCS#12 KDF): the absent password and the empty
 * one (two encodings that differ, as OpenSSL's `-passout pass:` and Java's empty password do), then every
 * password given. A file without a MAC, or with a MAC algorithm not known here, has its password found by
 * trial decryption instead. When no password fits, the certificates stored in the clear are still returned
 * and the file gets CUSTOS_PKCS12_PASSWORD_UNKNOWN.
 */
const OID_DATA = '1.2.840.113549.1.7.1';
const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const BAG_KEY = '1.2.840.113549.1.12.10.1.1';
const BAG_SHROUDED_KEY = '1.2.840.113549.1.12.10.1.2';
const BAG_CERT = '1.2.840.113549.1.12.10.1.3';
const BAG_SAFE_CONTENTS = '1.2.840.113549.1.12.10.1.6';
const OID_X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const MAX_BAG_NESTING = 4;

/** Whether a SEQUENCE starts like a PFX: INTEGER 3 followed by a SEQUENCE. */
export function isPfx(bytes: Uint8Array, outer: Tlv): boolean {
  try {
    const version = readTlv(bytes, outer.contentStart, outer.contentEnd);
    return version.id === TAG.INTEGER && smallInteger(bytes, version) === 3;
  } catch {
    return false;
  }
}

function candidatesFor(passwords: readonly string[]): PasswordCandidate[] {
  const candidates = [
    { text: '', bmp: new Uint8Array(0) },
    { text: '', bmp: bmpPassword('') },
  ];
  for (const text of new Set(passwords)) if (text !== '') candidates.push({ text, bmp: bmpPassword(text) });
  return candidates;
}

export function readPkcs12(
  bytes: Uint8Array,
  pfx: Tlv,
  collector: ContainerCollector,
  passwords: readonly string[],
): void {
  const [, authSafe, macData] = children(bytes, pfx);
  if (authSafe?.id !== TAG.SEQUENCE) throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'PFX has no authSafe');
  const [contentType, explicit] = children(bytes, authSafe);
  if (!contentType || oidText(bytes, contentType) !== OID_DATA || explicit?.id !== TAG.CONTEXT_0) {
    throw new PkiFormatError(
      'CUSTOS_PKCS12_UNSUPPORTED',
      'PFX integrity by public-key signature is not supported',
    );
  }
  const content = stringBytes(bytes, readTlv(bytes, explicit.contentStart, explicit.contentEnd));
  const reader = new Pkcs12Reader(collector, candidatesFor(passwords));
  if (macData) reader.password = passwordByMac(bytes, macData, content, reader.candidates, collector.budget);
  if (reader.password === null) {
    collector.problem(
      'CUSTOS_PKCS12_PASSWORD_UNKNOWN',
      "PKCS#12: the MAC matches neither an empty password nor any password given (--password, --password-file, CUSTOS_PASSWORDS, a scan profile's passwordsFromEnv); only certificates stored in the clear are read",
    );
  }
  try {
    reader.readAuthenticatedSafe(content);
  } catch (error) {
    collector.failure(error, 'PKCS#12 contents', true);
  }
}

/** The candidate whose MAC matches; null when none does; undefined when the MAC cannot be checked here. */
function passwordByMac(
  bytes: Uint8Array,
  macData: Tlv,
  content: Uint8Array,
  candidates: PasswordCandidate[],
  budget: WorkBudget,
): PasswordCandidate | null | undefined {
  const [digestInfo, salt, iterations] = children(bytes, macData);
  if (digestInfo?.id !== TAG.SEQUENCE || salt?.id !== TAG.OCTET_STRING) {
    throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'PKCS#12 MacData is incomplete');
  }
  const [algorithm, digest] = children(bytes, digestInfo);
  const oid = algorithm?.id === TAG.SEQUENCE ? children(bytes, algorithm)[0] : undefined;
  const hash = oid ? DIGEST_OIDS[oidText(bytes, oid)] : undefined;
  if (!hash || digest?.id !== TAG.OCTET_STRING) return undefined; // e.g. PBMAC1: fall back to trial decryption
  const count = iterations ? iterationCount(bytes, iterations, MAX_PKCS12_KDF_ITERATIONS) : 1;
  const expected = Buffer.from(stringBytes(bytes, digest));
  const saltBytes = stringBytes(bytes, salt);
  return (
    candidates.find((candidate) => {
      budget.spend(count);
      const key = pkcs12Kdf(hash, candidate.bmp, saltBytes, count, KDF_PURPOSE.mac, digestSize(hash));
      return createHmac(hash, key).update(content).digest().equals(expected);
    }) ?? null
  );
}

class Pkcs12Reader {
  /** The password that opens this file; null when none does; undefined until trial decryption finds it. */
  password: PasswordCandidate | null | undefined = undefined;

  constructor(
    private readonly collector: ContainerCollector,
    readonly candidates: PasswordCandidate[],
  ) {}

  readAuthenticatedSafe(content: Uint8Array): void {
    const safe = readTlv(content, 0);
    let index = 0;
    for (const contentInfo of children(content, safe)) {
      index++;
      try {
        this.readContentInfo(content, contentInfo);
      } catch (error) {
        this.collector.failure(error, `PKCS#12 ContentInfo ${index}`, true);
      }
    }
  }

  private readContentInfo(bytes: Uint8Array, contentInfo: Tlv): void {
    const [type, explicit] = children(bytes, contentInfo);
    if (!type || explicit?.id !== TAG.CONTEXT_0) return;
    const inner = readTlv(bytes, explicit.contentStart, explicit.contentEnd);
    const name = oidText(bytes, type);
    if (name === OID_DATA) return this.readSafeContents(stringBytes(bytes, inner), 0);
    if (name !== OID_ENCRYPTED_DATA) {
      throw new PkiFormatError(
        'CUSTOS_PKCS12_UNSUPPORTED',
        `content type ${name} (e.g. public-key envelopes)`,
      );
    }
    const [, encryptedContentInfo] = children(bytes, inner);
    const [, algorithm, encrypted] = encryptedContentInfo ? children(bytes, encryptedContentInfo) : [];
    if (algorithm?.id !== TAG.SEQUENCE || !encrypted || (encrypted.id & 0xdf) !== TAG.CONTEXT_0_PRIMITIVE) {
      throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'EncryptedData is incomplete');
    }
    const plain = this.decrypt(bytes, algorithm, stringBytes(bytes, encrypted), isWholeSequence);
    if (plain) this.readSafeContents(plain, 0);
  }

  private readSafeContents(bytes: Uint8Array, depth: number): void {
    if (depth > MAX_BAG_NESTING)
      throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'SafeContents nested too deeply');
    let index = 0;
    for (const bag of children(bytes, readTlv(bytes, 0))) {
      index++;
      try {
        this.readBag(bytes, bag, depth);
      } catch (error) {
        this.collector.failure(error, `PKCS#12 SafeBag ${index}`, true);
      }
    }
  }

  private readBag(bytes: Uint8Array, bag: Tlv, depth: number): void {
    const [bagId, explicit, attributes] = children(bytes, bag);
    if (!bagId || explicit?.id !== TAG.CONTEXT_0)
      throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'SafeBag is incomplete');
    const value = readTlv(bytes, explicit.contentStart, explicit.contentEnd);
    const alias = attributes ? friendlyName(bytes, attributes) : undefined;
    const origin = alias === undefined ? {} : { alias };
    switch (oidText(bytes, bagId)) {
      case BAG_CERT: {
        const [certType, certExplicit] = children(bytes, value);
        if (
          !certType ||
          oidText(bytes, certType) !== OID_X509_CERTIFICATE ||
          certExplicit?.id !== TAG.CONTEXT_0
        )
          return;
        const octets = readTlv(bytes, certExplicit.contentStart, certExplicit.contentEnd);
        this.collector.addCertificate(leadingCertificate(stringBytes(bytes, octets)), origin);
        return;
      }
      case BAG_KEY:
        this.collector.addKey(publicKeySha256OfDer(bytes.subarray(value.start, value.end), 'pkcs8'), origin);
        return;
      case BAG_SHROUDED_KEY: {
        const [algorithm, encrypted] = children(bytes, value);
        if (algorithm?.id !== TAG.SEQUENCE || encrypted?.id !== TAG.OCTET_STRING) {
          throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'EncryptedPrivateKeyInfo is incomplete');
        }
        const plain = this.decrypt(bytes, algorithm, stringBytes(bytes, encrypted), isPrivateKeyInfo);
        if (plain) this.collector.addKey(publicKeySha256OfDer(plain, 'pkcs8'), origin);
        return;
      }
      case BAG_SAFE_CONTENTS:
        return this.readSafeContents(bytes.subarray(value.start, value.end), depth + 1);
    }
  }

  /**
   * Decrypts with the file's password, finding it by trial when the MAC could not; null when no password is
   * known. Failing with the password the MAC confirmed means the contents are broken.
   */
  private decrypt(
    bytes: Uint8Array,
    algorithm: Tlv,
    ciphertext: Uint8Array,
    plausible: (plain: Uint8Array) => boolean,
  ): Uint8Array | null {
    if (this.password === null) return null;
    const tries = this.password ? [this.password] : this.candidates;
    for (const candidate of tries) {
      try {
        const plain = pbeDecrypt(bytes, algorithm, ciphertext, candidate, this.collector.budget);
        if (!plausible(plain)) continue;
        this.password = candidate;
        return plain;
      } catch (error) {
        if (error instanceof PkiFormatError) throw error; // unsupported or malformed, whatever the password
      }
    }
    if (this.password) {
      throw new PkiFormatError(
        'CUSTOS_FILE_MALFORMED',
        'does not decrypt with the password the MAC confirms',
      );
    }
    this.password = null;
    this.collector.problem(
      'CUSTOS_PKCS12_PASSWORD_UNKNOWN',
      "PKCS#12: neither an empty password nor any password given (--password, --password-file, CUSTOS_PASSWORDS, a scan profile's passwordsFromEnv) decrypts it; only certificates stored in the clear are read",
    );
    return null;
  }
}

function isWholeSequence(plain: Uint8Array): boolean {
  try {
    const tlv = readTlv(plain, 0);
    return tlv.id === TAG.SEQUENCE && tlv.end === plain.length;
  } catch {
    return false;
  }
}

/** The friendlyName bag attribute (a BMPString), which OpenSSL and keytool use for the alias. */
function friendlyName(bytes: Uint8Array, attributes: Tlv): string | undefined {
  if (attributes.id !== TAG.SET) return undefined;
  for (const attribute of children(bytes, attributes)) {
    const [oid, values] = children(bytes, attribute);
    if (!oid || oidText(bytes, oid) !== OID_FRIENDLY_NAME || values?.id !== TAG.SET) continue;
    const value = children(bytes, values)[0];
    if (value?.id !== TAG.BMP_STRING) return undefined;
    const raw = bytes.subarray(value.contentStart, value.contentEnd);
    let text = '';
    for (let i = 0; i + 1 < raw.length; i += 2) text += String.fromCharCode((raw[i]! << 8) | raw[i + 1]!);
    return text;
  }
  return undefined;
}
