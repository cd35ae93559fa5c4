import type { Random } from '../ports/random.js';

export interface RenewalTimeInput {
  notBefore: Date;
  notAfter: Date;
  /** `renewBefore` in ms, or null for the default: renew at 2/3 of the lifetime. */
  renewBeforeMs: number | null;
  random: Random;
  /** At most this fraction of the renew-before window is taken off at random (default 0.1), so that
   * certificates issued together do not all renew at one moment. */
  jitter?: number;
}

/**
 * When a certificate is due for renewal (cert-manager's RenewalTime): `renewBefore` before notAfter, or at 2/3 of
 * the lifetime by default or when `renewBefore` is not shorter than the lifetime; then up to `jitter` of that
 * window earlier at random; never before notBefore. Whole milliseconds.
 */
export function renewalTime(input: RenewalTimeInput): Date {
  const lifetime = input.notAfter.getTime() - input.notBefore.getTime();
  const before =
    input.renewBeforeMs !== null && input.renewBeforeMs > 0 && input.renewBeforeMs < lifetime
      ? input.renewBeforeMs
      : lifetime / 3;
  const jitterMs = input.random.float() * (input.jitter ?? 0.1) * before;
  const at = Math.floor(input.notAfter.getTime() - before - jitterMs);
  return new Date(Math.max(input.notBefore.getTime(), at));
}
