/** The OCSP nonce (RFC 6960 4.4.1, RFC 8954): a request extension the response echoes. */
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { tlv } from '../generate/der-writer.js';
import { extensionValue, type Extension } from './extension-value.js';

export const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

/** The nonce's octets; strict-der holds to RFC 8954's 1 to 32. */
export function decodeOcspNonce(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): Uint8Array {
  const node = extensionValue(der, mode, TAG.OCTET_STRING, 'OCSP nonce', start, end);
  const length = node.end - node.start;
  if (mode === 'strict-der' && (length < 1 || length > 32))
    malformed(`OCSP nonce of ${length} octets (RFC 8954: 1 to 32)`);
  return der.subarray(node.start, node.end);
}

export function encodeOcspNonce(nonce: Uint8Array): Uint8Array {
  return tlv(TAG.OCTET_STRING, nonce);
}

/** Not critical (RFC 8954). */
export function ocspNonceExtension(nonce: Uint8Array): Extension {
  return { oid: OID_OCSP_NONCE, critical: false, value: encodeOcspNonce(nonce) };
}
