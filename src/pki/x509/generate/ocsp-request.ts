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

/**
 * The length of a nonce: the contents of the OCTET STRING its extnValue holds (RFC 6960 §4.4.1), or of the whole
 * value from a client that sends the bytes bare (some do).
 */
function nonceLength(value: Uint8Array): number {
  if (value[0] !== 0x04 || value.length < 2) return value.length;
  const first = value[1] as number;
  if (first < 0x80) return first + 2 === value.length ? first : value.length;
  const octets = first & 0x7f;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + (value[2 + i] ?? 0);
  return length + 2 + octets === value.length ? length : value.length;
}

/** RFC 8954 §2.1: a responder that supports nonces refuses one of 0 or more than 32 octets (malformedRequest). */
export const MAX_NONCE_OCTETS = 32;

/**
 * CUSTOS_DER_MALFORMED for anything that is not a well-formed request with at least one CertID, or whose nonce is
 * empty or longer than 32 octets (RFC 8954).
 */
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
  if (nonce) {
    const length = nonceLength(new Uint8Array(nonce.extnValue.buffer));
    if (length === 0 || length > MAX_NONCE_OCTETS)
      malformed(`OCSP request: a nonce of ${length} octets (RFC 8954: 1 to ${MAX_NONCE_OCTETS})`);
  }
  return {
    certIds,
    nonce: nonce && fromAsnExtension(nonce),
  };
}
