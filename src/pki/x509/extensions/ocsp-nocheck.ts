/**
 * id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): in a delegated OCSP responder's certificate, tells a client not to
 * check that certificate's own revocation status (it is short-lived instead). Its value is NULL.
 */
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { tlv } from '../generate/der-writer.js';
import { extensionValue, type Extension } from './extension-value.js';

export const OID_OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';

/** Checks the value is NULL; strict-der refuses NULL with content. */
export function decodeOcspNoCheck(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): true {
  const node = extensionValue(der, mode, TAG.NULL, 'ocsp-nocheck', start, end);
  if (mode === 'strict-der' && node.end !== node.start) malformed('ocsp-nocheck NULL with content');
  return true;
}

export function encodeOcspNoCheck(): Uint8Array {
  return tlv(TAG.NULL);
}

/** Not critical (CA/B Forum BR §7.1.2.8.2 leaves it so; RFC 6960 does not mark it). */
export function ocspNoCheckExtension(): Extension {
  return { oid: OID_OCSP_NOCHECK, critical: false, value: encodeOcspNoCheck() };
}
