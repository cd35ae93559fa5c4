import { PkiFormatError } from '../problem.js';
import { TAG } from '../asn1/reader.js';
import { children, expectTlv, oidText, readTlv, type Tlv } from '../asn1/tlv.js';
import { checkCertificateShape } from './certificate-shape.js';
import type { ContainerCollector } from './container-collector.js';

/**
 * PKCS#7 / CMS SignedData, the "certs-only" bundle of .p7b/.p7c files (`openssl crl2pkcs7 -nocrl`,
 * Windows certificate export): ContentInfo { contentType signedData, [0] EXPLICIT SignedData {
 * version, digestAlgorithms, encapContentInfo, certificates [0] IMPLICIT SET OF CertificateChoices OPTIONAL,
 * crls [1] IMPLICIT OPTIONAL, signerInfos } } (RFC 5652). Only plain certificates are taken from the
 * CertificateChoices; attribute and "other" certificates are skipped. BER (indefinite lengths) is accepted.
 */
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

/** Whether a ContentInfo's first field is the signedData content type. */
export function isSignedDataContentInfo(bytes: Uint8Array, contentInfo: Tlv): boolean {
  try {
    const type = readTlv(bytes, contentInfo.contentStart, contentInfo.contentEnd);
    return type.id === TAG.OID && oidText(bytes, type) === OID_SIGNED_DATA;
  } catch {
    return false;
  }
}

/** Reads the certificates of a SignedData ContentInfo; throws `PkiFormatError` when its frame is broken. */
export function readPkcs7(bytes: Uint8Array, contentInfo: Tlv, collector: ContainerCollector): void {
  const [type, explicit] = children(bytes, contentInfo);
  if (!type || oidText(bytes, type) !== OID_SIGNED_DATA || explicit?.id !== TAG.CONTEXT_0) {
    throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'PKCS#7 ContentInfo is not signedData');
  }
  const signedData = expectTlv(bytes, explicit.contentStart, explicit.contentEnd, TAG.SEQUENCE, 'SignedData');
  const fields = children(bytes, signedData);
  if (fields[0]?.id !== TAG.INTEGER || fields[1]?.id !== TAG.SET || fields[2]?.id !== TAG.SEQUENCE) {
    throw new PkiFormatError('CUSTOS_DER_MALFORMED', 'SignedData fields missing or out of order');
  }
  const certificates = fields[3]?.id === TAG.CONTEXT_0 ? fields[3] : undefined;
  if (!certificates) return;
  let index = 0;
  for (const choice of children(bytes, certificates)) {
    index++;
    if (choice.id !== TAG.SEQUENCE) continue; // an attribute or "other" certificate
    try {
      checkCertificateShape(bytes, choice);
      collector.addCertificate(bytes.subarray(choice.start, choice.end));
    } catch (error) {
      collector.failure(error, `PKCS#7 certificate ${index}`, true);
    }
  }
}
