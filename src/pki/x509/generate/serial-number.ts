/** Certificate serial numbers as RFC 5280 §4.1.2.2 allows them: positive, at most 20 octets once encoded. */
import { invalidParameter } from '../../problem.js';
import { unsignedIntegerContent } from './der-writer.js';

/**
 * The DER INTEGER content of a serial number given as its big-endian magnitude; CUSTOS_PKI_PARAMETER_INVALID
 * when it is zero or longer than 20 octets.
 */
export function serialNumberContent(magnitude: Uint8Array): Uint8Array {
  const content = unsignedIntegerContent(magnitude);
  if (content.length === 1 && content[0] === 0)
    invalidParameter('serialNumber: must be positive (RFC 5280 §4.1.2.2)');
  if (content.length > 20)
    invalidParameter(`serialNumber: ${content.length} octets, at most 20 allowed (RFC 5280 §4.1.2.2)`);
  return content;
}
