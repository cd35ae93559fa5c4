/**
 * The RSA modulus has no prime factor below 1000: a product of two large primes never has one, and a modulus
 * that does is factored at once (Boulder's goodkey `checkSmallPrimes` tests the primes below 752; badkeys'
 * `smallfactors` the same idea). One gcd with the product of those primes.
 */
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

const SMALL_PRIMES: readonly bigint[] = primesBelow(1000);
const PRODUCT = SMALL_PRIMES.reduce((product, p) => product * p, 1n);

export const noSmallFactors: IssuanceCheck = (request) => {
  const read = subjectKey(request.publicKeySpki);
  const n = read.ok ? read.key.modulus : null;
  if (n === null) return undefined;
  if (gcd(n, PRODUCT) === 1n) return undefined;
  const factor = SMALL_PRIMES.find((p) => n % p === 0n);
  return { code: 'CUSTOS_KEY_WEAK', message: `the RSA modulus is divisible by the small prime ${factor}` };
};

export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function primesBelow(limit: number): bigint[] {
  const composite = new Uint8Array(limit);
  const primes: bigint[] = [];
  for (let i = 2; i < limit; i++) {
    if (composite[i]) continue;
    primes.push(BigInt(i));
    for (let j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return primes;
}
