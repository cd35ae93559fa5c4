import { PkiFormatError } from '../problem.js';
import { TAG } from '../asn1/reader.js';
import { children, readTlv, type Tlv } from '../asn1/tlv.js';

/**
 * Checks that a node has the shape of an X.509 Certificate — SEQUENCE { tbsCertificate SEQUENCE {
 * [0] version?, serialNumber INTEGER, signature SEQUENCE, issuer SEQUENCE, validity SEQUENCE,
 * subject SEQUENCE, subjectPublicKeyInfo SEQUENCE, ... }, signatureAlgorithm SEQUENCE, signature BIT STRING }
 * — so that junk or another structure is not taken for a certificate. It reads only tags and lengths (a
 * dozen nodes); the fields themselves are the lean reader's and @peculiar/x509's business.
 * Throws `PkiFormatError` (CUSTOS_DER_MALFORMED, or CUSTOS_FILE_TRUNCATED when a length runs past the input).
 */
export function checkCertificateShape(bytes: Uint8Array, certificate: Tlv): void {
  if (certificate.id !== TAG.SEQUENCE) malformed('a certificate is not a SEQUENCE');
  const outer = children(bytes, certificate);
  if (
    outer.length !== 3 ||
    outer[0]!.id !== TAG.SEQUENCE ||
    outer[1]!.id !== TAG.SEQUENCE ||
    outer[2]!.id !== TAG.BIT_STRING
  ) {
    malformed('not a certificate (SEQUENCE of tbsCertificate, signatureAlgorithm, signature)');
  }
  const tbs = children(bytes, outer[0]!);
  const first = tbs[0]?.id === TAG.CONTEXT_0 ? 1 : 0;
  const expected = [TAG.INTEGER, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE];
  if (tbs.length < first + expected.length || expected.some((id, i) => tbs[first + i]!.id !== id)) {
    malformed('not a certificate (tbsCertificate fields missing or out of order)');
  }
}

export function isCertificateShape(bytes: Uint8Array, certificate: Tlv): boolean {
  try {
    checkCertificateShape(bytes, certificate);
    return true;
  } catch {
    return false;
  }
}

/**
 * The DER of the certificate that starts a byte string (a PEM body, a PKCS#12 certBag, a JKS entry).
 * Bytes after it are ignored: OpenSSL's TRUSTED CERTIFICATE appends its trust settings there.
 */
export function leadingCertificate(bytes: Uint8Array): Uint8Array {
  const tlv = readTlv(bytes, 0);
  checkCertificateShape(bytes, tlv);
  return bytes.subarray(tlv.start, tlv.end);
}

function malformed(message: string): never {
  throw new PkiFormatError('CUSTOS_DER_MALFORMED', message);
}
