/**
 * The RSA modulus has no prime factor below 1000: a product of two large primes never has one, and a modulus
 * that does is factored at once (Boulder's goodkey `checkSmallPrimes` tests the primes below 752; badkeys'
 * `smallfactors` the same idea). The primes are taken in groups whose product stays below 2^52, so each group
 * costs one bigint remainder and a few float ones.
 */
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

const SMALL_PRIMES: readonly number[] = primesBelow(1000);

/** The primes in groups, each with its product (below 2^52, exact as a float). */
const GROUPS: readonly { product: bigint; primes: number[] }[] = (() => {
  const groups: { product: bigint; primes: number[] }[] = [];
  let primes: number[] = [];
  let product = 1;
  for (const p of SMALL_PRIMES) {
    if (product * p >= 2 ** 52) {
      groups.push({ product: BigInt(product), primes });
      primes = [];
      product = 1;
    }
    primes.push(p);
    product *= p;
  }
  groups.push({ product: BigInt(product), primes });
  return groups;
})();

/** The smallest prime below 1000 that divides n, or null. */
export function smallFactor(n: bigint): number | null {
  for (const group of GROUPS) {
    const residue = Number(n % group.product);
    for (const p of group.primes) if (residue % p === 0) return p;
  }
  return null;
}

export const noSmallFactors: IssuanceCheck = (request) => {
  const read = subjectKey(request.publicKeySpki);
  const n = read.ok ? read.key.modulus : null;
  if (n === null) return undefined;
  const factor = smallFactor(n);
  if (factor === null) return undefined;
  return { code: 'CUSTOS_KEY_WEAK', message: `the RSA modulus is divisible by the small prime ${factor}` };
};

function primesBelow(limit: number): number[] {
  const composite = new Uint8Array(limit);
  const primes: number[] = [];
  for (let i = 2; i < limit; i++) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return primes;
}
