/**
 * RSA public exponent (CA/Browser Forum Baseline Requirements 6.1.6): "an odd number equal to 3 or more.
 * Additionally, the public exponent SHOULD be in the range between 2^16 + 1 and 2^256 - 1". The CA applies the
 * SHOULD: an exponent below 65537 (3 is what Bleichenbacher's 2006 signature forgery and Coppersmith's attacks on
 * small exponents exploit) or above 2^256 - 1 is refused, as is an even one. Every mainstream generator uses
 * 65537; Let's Encrypt's Boulder (goodkey) accepts only 65537.
 */
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

export const MIN_RSA_EXPONENT = 65537n;
export const MAX_RSA_EXPONENT = (1n << 256n) - 1n;

const refuse = (message: string) =>
  ({ code: 'CUSTOS_KEY_EXPONENT_INVALID', message: `RSA ${message}` }) as const;

export const rsaExponentSane: IssuanceCheck = (request) => {
  const read = subjectKey(request.publicKeySpki);
  if (!read.ok || read.key.exponent === null) return undefined;
  const e = read.key.exponent;
  const shown = e.toString().length > 20 ? `a ${e.toString(2).length}-bit exponent` : `exponent ${e}`;
  if (e % 2n === 0n) return refuse(`${shown} is even; it must be odd`);
  if (e < MIN_RSA_EXPONENT) return refuse(`${shown} is below 65537 (BR 6.1.6)`);
  if (e > MAX_RSA_EXPONENT) return refuse(`${shown} is above 2^256-1 (BR 6.1.6)`);
  return undefined;
};
