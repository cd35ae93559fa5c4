/**
 * The RSA modulus' two primes are not so close that Fermat's method factors it: n = a² − b² with a starting at
 * ⌈√n⌉; when p and q share their top half of bits, a few rounds find b (Hanno Böck 2022, CVE-2022-26320: printers
 * and Rambus' SafeZone library made such keys). Boulder's goodkey `checkPrimeFactorsTooClose` runs the same test
 * with the number of rounds configured (Let's Encrypt: 100); so does this check.
 */
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

export const FERMAT_ROUNDS = 100;

export const notFermatFactorable: IssuanceCheck = (request) => {
  const read = subjectKey(request.publicKeySpki);
  const n = read.ok ? read.key.modulus : null;
  if (n === null) return undefined;
  const factor = fermatFactor(n, FERMAT_ROUNDS);
  if (factor === null) return undefined;
  return {
    code: 'CUSTOS_KEY_WEAK',
    message: `the RSA modulus' primes are too close together: Fermat's method factored it in ${factor.round} rounds`,
  };
};

/** A factor p of n found by `rounds` rounds of Fermat's method (and the round), or null. */
export function fermatFactor(n: bigint, rounds: number): { p: bigint; round: number } | null {
  if (n < 4n) return null;
  let a = sqrt(n);
  if (a * a < n) a += 1n;
  let b2 = a * a - n;
  for (let round = 1; round <= rounds; round++) {
    if (maybeSquare(b2)) {
      const b = sqrt(b2);
      if (b * b === b2) {
        const p = a - b;
        return p > 1n ? { p, round } : null;
      }
    }
    // (a + 1)² − n = a² − n + 2a + 1
    b2 += 2n * a + 1n;
    a += 1n;
  }
  return null;
}

/** ⌊√n⌋ by Newton's method on bigints. */
export function sqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * Squares take 12 of the 64 residues modulo 64, 16 of 63, 21 of 65 and 6 of 11: together they turn away all but
 * about 1 in 120 non-squares before a square root is taken (the filter of Cohen's "A Course in Computational
 * Algebraic Number Theory", Algorithm 1.7.3).
 */
const squaresModulo = (m: number): ReadonlySet<number> =>
  new Set(Array.from({ length: m }, (_, i) => (i * i) % m));
const SQUARE_MOD_64 = squaresModulo(64);
const SQUARE_MOD_63 = squaresModulo(63);
const SQUARE_MOD_65 = squaresModulo(65);
const SQUARE_MOD_11 = squaresModulo(11);

function maybeSquare(n: bigint): boolean {
  if (!SQUARE_MOD_64.has(Number(n & 63n))) return false;
  const r = Number(n % 45045n); // 63 · 65 · 11
  return SQUARE_MOD_63.has(r % 63) && SQUARE_MOD_65.has(r % 65) && SQUARE_MOD_11.has(r % 11);
}
