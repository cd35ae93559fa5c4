/**
 * Writes a PKCS#12 / PFX file (RFC 7292) as the reader (pkcs12.ts) and OpenSSL read it: the certificates in a
 * certBag each and the private key in a keyBag, in one SafeContents in the clear, with a MAC (HMAC-SHA-256, key from
 * the PKCS#12 KDF) under the password. Nothing is encrypted: the MAC proves integrity and the password. The salt
 * comes from the caller's CSPRNG.
 */
import { createHmac } from 'node:crypto';
import { TAG } from '../asn1/reader.js';
import { objectIdentifier, tlv, unsignedIntegerContent } from '../x509/generate/der-writer.js';
import { bmpPassword, KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';

const OID_DATA = '1.2.840.113549.1.7.1';
const BAG_KEY = '1.2.840.113549.1.12.10.1.1';
const BAG_CERT = '1.2.840.113549.1.12.10.1.3';
const OID_X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const EXPLICIT_0 = 0xa0;

export interface Pkcs12Input {
  /** DER certificates, the leaf first. */
  certificates: readonly Uint8Array[];
  /** The private key as PKCS#8 PrivateKeyInfo DER, if any. */
  privateKey?: Uint8Array;
  /** The MAC password; '' for the empty one. */
  password: string;
  /** At least 8 random octets. */
  salt: Uint8Array;
  /** KDF iterations for the MAC key; default 2048, as OpenSSL writes. */
  iterations?: number;
}

const integer = (n: number) => tlv(TAG.INTEGER, unsignedIntegerContent(new Uint8Array([n >> 8, n & 0xff])));
const bag = (id: string, value: Uint8Array) =>
  tlv(TAG.SEQUENCE, objectIdentifier(id), tlv(EXPLICIT_0, value));
const dataContentInfo = (content: Uint8Array) =>
  tlv(TAG.SEQUENCE, objectIdentifier(OID_DATA), tlv(EXPLICIT_0, tlv(TAG.OCTET_STRING, content)));

export function writePkcs12(input: Pkcs12Input): Uint8Array {
  const bags = [
    ...input.certificates.map((der) =>
      bag(
        BAG_CERT,
        tlv(
          TAG.SEQUENCE,
          objectIdentifier(OID_X509_CERTIFICATE),
          tlv(EXPLICIT_0, tlv(TAG.OCTET_STRING, der)),
        ),
      ),
    ),
    ...(input.privateKey === undefined ? [] : [bag(BAG_KEY, input.privateKey)]),
  ];
  const authenticatedSafe = tlv(TAG.SEQUENCE, dataContentInfo(tlv(TAG.SEQUENCE, ...bags)));
  const iterations = input.iterations ?? 2048;
  const key = pkcs12Kdf('sha256', bmpPassword(input.password), input.salt, iterations, KDF_PURPOSE.mac, 32);
  const mac = createHmac('sha256', key).update(authenticatedSafe).digest();
  const macData = tlv(
    TAG.SEQUENCE,
    tlv(
      TAG.SEQUENCE,
      tlv(TAG.SEQUENCE, objectIdentifier(OID_SHA256), tlv(TAG.NULL)),
      tlv(TAG.OCTET_STRING, new Uint8Array(mac)),
    ),
    tlv(TAG.OCTET_STRING, input.salt),
    integer(iterations),
  );
  return tlv(TAG.SEQUENCE, integer(3), dataContentInfo(authenticatedSafe), macData);
}
