/**
 * The four certificate extensions the inventory keeps, read from their extnValue by the lean reader:
 * subjectAltName, basicConstraints, subjectKeyIdentifier, authorityKeyIdentifier. Each value must be exactly
 * one well-formed element; anything else in it is CUSTOS_DER_MALFORMED.
 */
import { formatIpAddress } from '../ip-address.js';
import type { SubjectAltNames } from './parsed-certificate.js';
import { Asn1Cursor, malformed, TAG } from '../asn1/reader.js';
import { latin1 } from './names.js';

/** Extension OIDs as their content bytes' last octet under id-ce (2.5.29.x, content 55 1d xx). */
export const ID_CE = {
  SUBJECT_KEY_IDENTIFIER: 0x0e,
  SUBJECT_ALT_NAME: 0x11,
  BASIC_CONSTRAINTS: 0x13,
  AUTHORITY_KEY_IDENTIFIER: 0x23,
} as const;

/** A cursor over the single element that an extnValue OCTET STRING holds, after checking its tag. */
function valueOf(bytes: Buffer, start: number, end: number, tag: number, what: string): Asn1Cursor {
  const outer = new Asn1Cursor(bytes, start, end);
  outer.expect(tag, what);
  outer.finish(what);
  return outer;
}

export function readSubjectAltNames(bytes: Buffer, start: number, end: number, names: SubjectAltNames): void {
  const generalNames = valueOf(bytes, start, end, TAG.SEQUENCE, 'subjectAltName').inner();
  while (generalNames.hasMore()) {
    const tag = generalNames.next('subjectAltName GeneralName');
    switch (tag) {
      case 0x81:
        names.email.push(latin1(bytes, generalNames.start, generalNames.end));
        break;
      case 0x82:
        names.dns.push(latin1(bytes, generalNames.start, generalNames.end));
        break;
      case 0x86:
        names.uri.push(latin1(bytes, generalNames.start, generalNames.end));
        break;
      case 0x87: {
        const ip = ipText(bytes, generalNames.start, generalNames.end);
        if (ip !== null) names.ip.push(ip);
        break;
      }
      default: // otherName, x400Address, directoryName, ediPartyName, registeredID: not kept
    }
  }
}

/**
 * Dotted IPv4 or RFC 5952 IPv6 (lower-case, no leading zeros, the first longest run of two or more zero
 * groups as "::"; IPv4-mapped addresses stay hexadecimal), as @peculiar/x509 prints them. An iPAddress of
 * another length is not an address (it is a name-constraint range) and is left out, where @peculiar/x509
 * prints it as a CIDR or hex.
 */
function ipText(bytes: Buffer, start: number, end: number): string | null {
  const length = end - start;
  return length === 4 || length === 16 ? formatIpAddress(bytes.subarray(start, end)) : null;
}

export interface BasicConstraints {
  isCA: boolean;
  pathLength: number | null;
}

export function readBasicConstraints(bytes: Buffer, start: number, end: number): BasicConstraints {
  const fields = valueOf(bytes, start, end, TAG.SEQUENCE, 'basicConstraints').inner();
  let isCA = false;
  let pathLength: number | null = null;
  if (fields.peek() === TAG.BOOLEAN) {
    fields.next('basicConstraints cA');
    if (fields.end - fields.start !== 1) malformed('basicConstraints cA: BOOLEAN of length != 1');
    isCA = bytes[fields.start] !== 0;
  }
  if (fields.peek() === TAG.INTEGER) {
    fields.next('basicConstraints pathLenConstraint');
    pathLength = smallInteger(bytes, fields.start, fields.end, 'basicConstraints pathLenConstraint');
    if (pathLength < 0)
      malformed(`basicConstraints pathLenConstraint is negative (${pathLength}); RFC 5280 allows 0..MAX`);
  }
  fields.finish('basicConstraints');
  return { isCA, pathLength };
}

/** A two's complement INTEGER of at most 4 content bytes, as a number. */
function smallInteger(bytes: Buffer, start: number, end: number, what: string): number {
  const length = end - start;
  if (length < 1 || length > 4) malformed(`${what}: INTEGER of ${length} bytes`);
  return bytes.readIntBE(start, length);
}

export function readSubjectKeyIdentifier(bytes: Buffer, start: number, end: number): string {
  const keyId = valueOf(bytes, start, end, TAG.OCTET_STRING, 'subjectKeyIdentifier');
  return bytes.toString('hex', keyId.start, keyId.end);
}

/** The keyIdentifier of an authorityKeyIdentifier, or null when it names the issuer by name and serial. */
export function readAuthorityKeyIdentifier(bytes: Buffer, start: number, end: number): string | null {
  const fields = valueOf(bytes, start, end, TAG.SEQUENCE, 'authorityKeyIdentifier').inner();
  let keyId: string | null = null;
  if (fields.peek() === 0x80) {
    fields.next('authorityKeyIdentifier keyIdentifier');
    keyId = bytes.toString('hex', fields.start, fields.end);
  }
  if (fields.peek() === 0xa1) fields.next('authorityKeyIdentifier authorityCertIssuer');
  if (fields.peek() === 0x82) fields.next('authorityKeyIdentifier authorityCertSerialNumber');
  fields.finish('authorityKeyIdentifier');
  return keyId;
}
