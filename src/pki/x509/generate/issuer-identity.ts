/**
 * What a CA certificate contributes to what it signs: its subject, byte for byte (the issuer of everything it
 * issues, RFC 5280 §4.1.2.4), its key (OCSP CertID issuerKeyHash) and its subject key identifier (the
 * authority key identifier of what it issues, §4.2.1.1).
 */
import { Asn1Cursor, TAG } from '../../asn1/reader.js';

export interface IssuerIdentity {
  /** DER Name. */
  subject: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  publicKeySpki: Uint8Array;
  /** The keyIdentifier of its subjectKeyIdentifier extension, when it has one. */
  subjectKeyIdentifier?: Uint8Array;
}

const SKI_OID = [0x55, 0x1d, 0x0e];

function subjectKeyIdentifierIn(extensions: Asn1Cursor, bytes: Uint8Array): Uint8Array | undefined {
  while (extensions.hasMore()) {
    extensions.expect(TAG.SEQUENCE, 'extension');
    const extension = extensions.inner();
    extension.expect(TAG.OID, 'extnID');
    const isSki =
      extension.end - extension.start === 3 && SKI_OID.every((b, i) => bytes[extension.start + i] === b);
    if (extension.peek() === TAG.BOOLEAN) extension.next('critical');
    extension.expect(TAG.OCTET_STRING, 'extnValue');
    if (!isSki) continue;
    const value = extension.inner();
    value.expect(TAG.OCTET_STRING, 'keyIdentifier');
    return bytes.subarray(value.start, value.end);
  }
  return undefined;
}

/** Reads them from a DER certificate; CUSTOS_DER_MALFORMED when it is not one. */
export function issuerIdentity(certificate: Uint8Array): IssuerIdentity {
  const top = new Asn1Cursor(certificate, 0, certificate.length);
  top.expect(TAG.SEQUENCE, 'certificate');
  const outer = top.inner();
  outer.expect(TAG.SEQUENCE, 'tbsCertificate');
  const tbs = outer.inner();
  if (tbs.peek() === 0xa0) tbs.next('version');
  tbs.expect(TAG.INTEGER, 'serialNumber');
  tbs.expect(TAG.SEQUENCE, 'signature');
  tbs.expect(TAG.SEQUENCE, 'issuer');
  tbs.expect(TAG.SEQUENCE, 'validity');
  tbs.expect(TAG.SEQUENCE, 'subject');
  const subject = certificate.subarray(tbs.tlvStart, tbs.end);
  tbs.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const publicKeySpki = certificate.subarray(tbs.tlvStart, tbs.end);
  while (tbs.hasMore()) {
    if (tbs.next('extensions') !== 0xa3) continue;
    const wrapper = tbs.inner();
    wrapper.expect(TAG.SEQUENCE, 'extensions');
    const subjectKeyIdentifier = subjectKeyIdentifierIn(wrapper.inner(), certificate);
    return { subject, publicKeySpki, subjectKeyIdentifier };
  }
  return { subject, publicKeySpki };
}
