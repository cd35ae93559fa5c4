import type { SecureRandom } from '../ports/secure-random.js';

/** Bytes drawn per serial: 128 bits, twice the 64 the CA/B Forum BRs (7.1) require. */
export const SERIAL_RANDOM_BYTES = 16;

/**
 * A new serial number's big-endian magnitude: 16 bytes from the CSPRNG, which the encoder makes positive (a leading
 * zero octet when the top bit is set: at most 17 octets, within RFC 5280's 20). Never zero.
 */
export function newSerialNumber(random: SecureRandom): Uint8Array {
  for (;;) {
    const bytes = random.bytes(SERIAL_RANDOM_BYTES);
    if (bytes.some((b) => b !== 0)) return bytes;
  }
}

/** A serial as ParsedCertificate.serialNumber writes it: lower-case hex without leading zero bytes. */
export function serialText(magnitude: Uint8Array): string {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  return Buffer.from(magnitude.subarray(start)).toString('hex');
}

/**
 * A serial as ParsedCertificate.serialNumber writes it (hex) in decimal, as Go's `big.Int` prints it
 * (x509-certificate-exporter's `serial_number`, `openssl x509 -serial` converted). The hex is read as unsigned: RFC
 * 5280 serials are positive (Go refuses negative ones). Text that is not hex is returned as it is.
 */
export function serialDecimal(hex: string): string {
  return /^[0-9a-f]+$/i.test(hex) ? BigInt(`0x${hex}`).toString(10) : hex;
}
