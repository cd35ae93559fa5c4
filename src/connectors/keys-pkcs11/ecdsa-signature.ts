import { TAG } from '../../pki/asn1/reader.js';
import { tlv, unsignedIntegerContent } from '../../pki/x509/generate/der-writer.js';

/**
 * The DER Ecdsa-Sig-Value (RFC 3279 §2.2.3: SEQUENCE { r INTEGER, s INTEGER }) that X.509 carries, from the
 * r || s of equal halves that CKM_ECDSA returns (PKCS#11 §2.3.1), through the tree's DER writer.
 */
export function ecdsaSigValue(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error(`an ECDSA signature of ${raw.length} octets`);
  const half = raw.length / 2;
  return tlv(
    TAG.SEQUENCE,
    tlv(TAG.INTEGER, unsignedIntegerContent(raw.subarray(0, half))),
    tlv(TAG.INTEGER, unsignedIntegerContent(raw.subarray(half))),
  );
}
