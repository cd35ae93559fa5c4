/**
 * ROCA (CVE-2017-15361; Nemec, Sys, Svenda, Klinec, Matyas, "The Return of Coppersmith's Attack", CCS 2017):
 * Infineon's RSALib made primes p = k·M + (65537^a mod M) with M a primorial, so every such modulus n = p·q lies,
 * modulo M, in the subgroup that 65537 generates in (Z/MZ)*. A random modulus almost never does. The authors'
 * detector (crocs-muni/roca, `detect.py`, "dlog" method; badkeys' `roca.py` reduces it to the same test) decides
 * membership with M the product of the primes up to 167:
 *   1. n^ord ≡ 1 (mod M), where ord is the order of 65537 modulo M;
 *   2. for each prime power q^k exactly dividing ord, n^(ord/q^k) is a power of 65537^(ord/q^k) (mod M).
 * Both hold exactly when n mod M is a power of 65537 (Pohlig–Hellman, by the Chinese remainder theorem on the
 * exponents). The tables below are computed here from those definitions at start-up, not copied.
 */
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

const GENERATOR = 65537n;

const PRIMES: readonly bigint[] = (() => {
  const primes: bigint[] = [];
  for (let n = 2n; n <= 167n; n++) if (primes.every((p) => n % p !== 0n)) primes.push(n);
  return primes;
})();

/** M: the primorial 167#. */
const MODULUS = PRIMES.reduce((product, p) => product * p, 1n);

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

function powMod(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  for (; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
  }
  return result;
}

/** The multiplicative order of the generator modulo M: the lcm of its orders modulo each prime. */
const ORDER = PRIMES.reduce((order, p) => {
  if (p === 2n) return order;
  let k = 1n;
  for (let x = GENERATOR % p; x !== 1n; x = (x * GENERATOR) % p) k += 1n;
  return (order * k) / gcd(order, k);
}, 1n);

/** The maximal prime powers dividing ORDER, each with the subgroup of order q^k that the generator spans there. */
const SUBGROUPS: readonly { power: bigint; cofactor: bigint; members: ReadonlySet<bigint> }[] = (() => {
  const powers: bigint[] = [];
  let rest = ORDER;
  for (let q = 2n; rest > 1n; q++) {
    let power = 1n;
    while (rest % q === 0n) {
      rest /= q;
      power *= q;
    }
    if (power > 1n) powers.push(power);
  }
  return powers.map((power) => {
    const cofactor = ORDER / power;
    const g = powMod(GENERATOR, cofactor, MODULUS);
    const members = new Set<bigint>();
    for (let x = 1n, i = 0n; i < power; i++, x = (x * g) % MODULUS) members.add(x);
    return { power, cofactor, members };
  });
})();

/** Whether the RSA modulus carries the ROCA fingerprint. */
export function hasRocaFingerprint(n: bigint): boolean {
  const residue = n % MODULUS;
  if (residue <= 1n) return false;
  if (powMod(residue, ORDER, MODULUS) !== 1n) return false;
  return SUBGROUPS.every(({ cofactor, members }) => members.has(powMod(residue, cofactor, MODULUS)));
}

export const notRocaVulnerable: IssuanceCheck = (request) => {
  const read = subjectKey(request.publicKeySpki);
  const n = read.ok ? read.key.modulus : null;
  if (n === null || !hasRocaFingerprint(n)) return undefined;
  return {
    code: 'CUSTOS_KEY_WEAK',
    message:
      'the RSA key was made by an Infineon RSALib vulnerable to ROCA (CVE-2017-15361): its private key can be ' +
      'computed from the public key; make a new key outside the affected chip or firmware',
  };
};
