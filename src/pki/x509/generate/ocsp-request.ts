/**
 * Reads an untrusted OCSP request (RFC 6960 §4.1) for the responder to answer: the CertIDs asked about and the
 * nonce to echo. A request signature (optional, rarely sent) is not checked: the responder answers anyone.
 */
import { OCSPRequest } from '@peculiar/asn1-ocsp';
import { malformed } from '../../asn1/reader.js';
import { fromAsnExtension, type Extension } from '../extensions/extension-value.js';
import { OID_OCSP_NONCE } from '../extensions/ocsp-nonce.js';
import { parseUntrusted } from './read-signed.js';

/** RFC 6960 §4.1.1 CertID, byte for byte as asked (a response echoes it). */
export interface CertId {
  /** Dotted OID of the hash of issuerNameHash and issuerKeyHash (SHA-1 from most clients). */
  hashAlgorithm: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** The DER INTEGER content of the serial number asked about. */
  serialNumber: Uint8Array;
}

export interface OcspRequestContent {
  certIds: CertId[];
  /** The request's nonce extension as sent, to echo in the response (RFC 6960 §4.4.1). */
  nonce?: Extension;
}

/** CUSTOS_DER_MALFORMED for anything that is not a well-formed request with at least one CertID. */
export function readOcspRequest(der: Uint8Array): OcspRequestContent {
  const request = parseUntrusted(der, OCSPRequest, 'OCSP request');
  const tbs = request.tbsRequest;
  if (tbs.requestList.length === 0) malformed('OCSP request: no CertID asked about');
  const certIds = tbs.requestList.map(({ reqCert }) => ({
    hashAlgorithm: reqCert.hashAlgorithm.algorithm,
    issuerNameHash: new Uint8Array(reqCert.issuerNameHash.buffer),
    issuerKeyHash: new Uint8Array(reqCert.issuerKeyHash.buffer),
    serialNumber: new Uint8Array(reqCert.serialNumber),
  }));
  const nonce = tbs.requestExtensions?.find((extension) => extension.extnID === OID_OCSP_NONCE);
  return { certIds, nonce: nonce && fromAsnExtension(nonce) };
}
