import { TAG } from '../asn1/reader.js';
import { children, readTlv, type Tlv } from '../asn1/tlv.js';
import { checkCertificateShape, isCertificateShape } from './certificate-shape.js';
import type { ContainerCollector } from './container-collector.js';
import { isSignedDataContentInfo, readPkcs7 } from './pkcs7.js';
import { isPfx, readPkcs12 } from './pkcs12.js';
import { readDerPrivateKey } from './private-key.js';
import type { ContainerFormat } from './container-types.js';

/**
 * Binary ASN.1 inputs: a DER certificate, a PKCS#7 SignedData (.p7b/.p7c), a PKCS#12 file (.p12/.pfx), or a
 * DER private key (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1). Which one is decided by the shape of the first
 * fields, never by the file name.
 *
 * Noise rule (a scan of /etc must not drown in errors): a binary file is taken to be *meant* as a
 * certificate container only when it starts like one — a SEQUENCE with a long-form or indefinite length
 * (every certificate, PKCS#7 and PKCS#12 file does) whose first field is a SEQUENCE, INTEGER 3 or the
 * signedData OID. Such a file that ends early gets CUSTOS_FILE_TRUNCATED; a long-form SEQUENCE that spans
 * the whole file but is none of the above gets CUSTOS_FILE_UNRECOGNISED. Anything else that is not
 * recognised — a text file starting with "0", an unrelated binary — is `null` without a problem.
 */
type DerKind = 'certificate-like' | 'pkcs7' | 'pkcs12';

/** What the first bytes announce, read from the headers alone (so it works on a truncated file). */
function announcedKind(bytes: Uint8Array): DerKind | null {
  const outerHeader = headerLength(bytes, 0);
  if (outerHeader === null) return null;
  const first = bytes[outerHeader];
  if (first === undefined) return 'certificate-like'; // nothing but a long-form header: cut right after it
  if (first === TAG.SEQUENCE) return 'certificate-like';
  if (first === TAG.INTEGER && bytes[outerHeader + 1] === 1 && bytes[outerHeader + 2] === 3) return 'pkcs12';
  const signedDataOid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
  if (signedDataOid.every((b, i) => bytes[outerHeader + i] === b)) return 'pkcs7';
  return null;
}

/** The identifier and length octets of a long-form or indefinite SEQUENCE at `offset`, else null. */
function headerLength(bytes: Uint8Array, offset: number): number | null {
  if (bytes[offset] !== TAG.SEQUENCE) return null;
  const first = bytes[offset + 1];
  if (first === 0x80) return 2;
  if (first === undefined || first < 0x81 || first > 0x84) return null;
  return 2 + (first & 0x7f);
}

const FORMAT_OF: Record<DerKind, ContainerFormat> = {
  'certificate-like': 'der',
  pkcs7: 'pkcs7',
  pkcs12: 'pkcs12',
};

function trailingIsBlank(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x00) return false;
  }
  return true;
}

/** Reads an input whose first byte is a SEQUENCE tag; returns its format, or null when it is not a container. */
export function readDer(
  bytes: Uint8Array,
  collector: ContainerCollector,
  passwords: readonly string[],
): ContainerFormat | null {
  const announced = announcedKind(bytes);
  let outer: Tlv;
  try {
    outer = readTlv(bytes, 0);
  } catch (error) {
    if (announced === null) return null;
    collector.failure(error, 'DER');
    return FORMAT_OF[announced];
  }
  const whole = outer.end === bytes.length || trailingIsBlank(bytes, outer.end);
  if (announced === 'pkcs12' && isPfx(bytes, outer))
    return guarded(collector, 'pkcs12', 'PKCS#12', () => readPkcs12(bytes, outer, collector, passwords));
  if (announced === 'pkcs7' && isSignedDataContentInfo(bytes, outer)) {
    return guarded(collector, 'pkcs7', 'PKCS#7', () => readPkcs7(bytes, outer, collector));
  }
  if (isCertificateShape(bytes, outer)) {
    collector.addCertificate(bytes.subarray(outer.start, outer.end));
    return 'der';
  }
  if (!whole) return null;
  if (readDerPrivateKey(bytes, outer, collector, passwords)) return 'der';
  if (announced !== null) return reportUnrecognised(bytes, outer, collector);
  return null;
}

/**
 * Explains a whole-file SEQUENCE that was not recognised. A signed object whose tbs starts with an explicit
 * [0] version is a v3 certificate, so failing the shape check makes it a broken certificate; other signed
 * objects (CRLs, CSRs) and bare public keys are PKI files without certificates, which are no problem.
 */
function reportUnrecognised(
  bytes: Uint8Array,
  outer: Tlv,
  collector: ContainerCollector,
): ContainerFormat | null {
  try {
    const ids = children(bytes, outer).map((part) => part.id);
    if (ids.length === 2 && ids[0] === TAG.SEQUENCE && ids[1] === TAG.BIT_STRING) return null;
    const signed = ids.length === 3 && ids[0] === TAG.SEQUENCE && ids[2] === TAG.BIT_STRING;
    if (signed && bytes[readTlv(bytes, outer.contentStart).contentStart] !== TAG.CONTEXT_0) return null;
    if (signed) checkCertificateShape(bytes, outer);
    collector.problem(
      'CUSTOS_FILE_UNRECOGNISED',
      'an ASN.1 SEQUENCE that is no certificate, PKCS#7, PKCS#12 or private key',
    );
    return null;
  } catch (error) {
    collector.failure(error, 'DER certificate');
    return 'der';
  }
}

function guarded(
  collector: ContainerCollector,
  format: ContainerFormat,
  what: string,
  read: () => void,
): ContainerFormat {
  try {
    read();
  } catch (error) {
    collector.failure(error, what);
  }
  return format;
}
