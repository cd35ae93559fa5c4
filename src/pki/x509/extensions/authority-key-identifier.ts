/** authorityKeyIdentifier (RFC 5280 4.2.1.1). */
import { AuthorityKeyIdentifier as Asn1AuthorityKeyIdentifier, KeyIdentifier } from '@peculiar/asn1-x509';
import { TAG, type Asn1Mode } from '../../asn1/reader.js';
import { asBuffer, encodeValue, extensionValue, remember, type Extension } from './extension-value.js';

export const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';

/** The keyIdentifier (lower-case hex), or null when the extension names the issuer by name and serial only. */
export function decodeAuthorityKeyIdentifier(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): string | null {
  const fields = extensionValue(der, mode, TAG.SEQUENCE, 'authorityKeyIdentifier', start, end).inner();
  let keyId: string | null = null;
  if (fields.peek() === 0x80) {
    fields.next('authorityKeyIdentifier keyIdentifier');
    keyId = asBuffer(der).toString('hex', fields.start, fields.end);
  }
  if (fields.peek() === 0xa1) fields.next('authorityKeyIdentifier authorityCertIssuer');
  if (fields.peek() === 0x82) fields.next('authorityKeyIdentifier authorityCertSerialNumber');
  fields.finish('authorityKeyIdentifier');
  return keyId;
}

/** An authorityKeyIdentifier holding only the keyIdentifier (what RFC 5280 asks CAs to write). */
export function encodeAuthorityKeyIdentifier(keyIdentifier: Uint8Array): Uint8Array {
  return encodeValue(new Asn1AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdentifier) }));
}

/** RFC 5280 4.2.1.1: a keyIdentifier only, not critical. */
export function authorityKeyIdentifierExtension(keyIdentifier: Uint8Array): Extension {
  return remember(`aki:${asBuffer(keyIdentifier).toString('hex')}`, () => ({
    oid: OID_AUTHORITY_KEY_IDENTIFIER,
    critical: false,
    value: encodeAuthorityKeyIdentifier(keyIdentifier),
  }));
}

/** Which fields an authorityKeyIdentifier holds (the lints check that only keyIdentifier is there). */
export interface AuthorityKeyIdentifierFields {
  /** keyIdentifier, lower-case hex, or null. */
  keyIdentifier: string | null;
  authorityCertIssuer: boolean;
  authorityCertSerialNumber: boolean;
}

export function readAuthorityKeyIdentifier(
  der: Uint8Array,
  mode: Asn1Mode = 'strict-der',
): AuthorityKeyIdentifierFields {
  const fields = extensionValue(der, mode, TAG.SEQUENCE, 'authorityKeyIdentifier', 0, der.length).inner();
  const out: AuthorityKeyIdentifierFields = {
    keyIdentifier: null,
    authorityCertIssuer: false,
    authorityCertSerialNumber: false,
  };
  if (fields.peek() === 0x80) {
    fields.next('authorityKeyIdentifier keyIdentifier');
    out.keyIdentifier = asBuffer(der).toString('hex', fields.start, fields.end);
  }
  if (fields.peek() === 0xa1) {
    fields.next('authorityKeyIdentifier authorityCertIssuer');
    out.authorityCertIssuer = true;
  }
  if (fields.peek() === 0x82) {
    fields.next('authorityKeyIdentifier authorityCertSerialNumber');
    out.authorityCertSerialNumber = true;
  }
  fields.finish('authorityKeyIdentifier');
  return out;
}
