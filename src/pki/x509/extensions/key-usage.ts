/** keyUsage (RFC 5280 4.2.1.3). */
import { KeyUsage as Asn1KeyUsage } from '@peculiar/asn1-x509';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { encodeValue, extensionValue, remember, type Extension } from './extension-value.js';

export const OID_KEY_USAGE = '2.5.29.15';

/** keyUsage bits: bit i of the BIT STRING is `1 << i` (as @peculiar/x509's KeyUsageFlags). */
export const KEY_USAGE = {
  digitalSignature: 1 << 0,
  nonRepudiation: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
  encipherOnly: 1 << 7,
  decipherOnly: 1 << 8,
} as const;

export type KeyUsageName = keyof typeof KEY_USAGE;

/** The keyUsage flags, a sum of KEY_USAGE values. */
export function decodeKeyUsage(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): number {
  const node = extensionValue(der, mode, TAG.BIT_STRING, 'keyUsage', start, end);
  const length = node.end - node.start;
  if (length < 2 || der[node.start]! > 7) malformed('keyUsage: malformed BIT STRING');
  let flags = 0;
  for (let i = 0; i < (length - 1) * 8 && i < 9; i++) {
    if (der[node.start + 1 + (i >> 3)]! & (0x80 >> (i & 7))) flags |= 1 << i;
  }
  return flags;
}

export function encodeKeyUsage(flags: number): Uint8Array {
  return encodeValue(new Asn1KeyUsage(flags));
}

/** The keyUsage flags of the named usages. */
export function keyUsageFlags(usages: readonly KeyUsageName[]): number {
  return usages.reduce((all, usage) => all | KEY_USAGE[usage], 0);
}

/** RFC 5280 4.2.1.3, critical. */
export function keyUsageExtension(usages: readonly KeyUsageName[]): Extension {
  const flags = keyUsageFlags(usages);
  return remember(`ku:${flags}`, () => ({
    oid: OID_KEY_USAGE,
    critical: true,
    value: encodeKeyUsage(flags),
  }));
}
