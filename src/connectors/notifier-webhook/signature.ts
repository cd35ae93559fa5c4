import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that signs a webhook body. */
export const SIGNATURE_HEADER = 'Custos-Signature';

/** Receivers should refuse a signature whose `t` is further than this from their clock (replay protection). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** HEX = HMAC-SHA256 under `secret` of `"<t>.<raw body>"`. */
export function signatureHex(secret: string, t: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
}

/** The value of the Custos-Signature header: `t=UNIX_SECONDS,v1=HEX`. */
export function signatureHeader(secret: string, at: Date, rawBody: string): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${signatureHex(secret, t, rawBody)}`;
}

export type SignatureCheck = { valid: true; t: number } | { valid: false; reason: string };

/**
 * What a receiver does, step by step: parse `t` and every `v1` from the header, refuse a `t` outside the
 * tolerance window around its own clock, recompute the HMAC over `"<t>.<raw body>"` (the exact bytes received,
 * before any JSON parsing) and compare in constant time. Several `v1` values may be present while a secret is
 * being rotated; one match suffices.
 */
export function verifySignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  options: { nowSeconds: number; toleranceSeconds?: number },
): SignatureCheck {
  if (header === undefined || header === '') return { valid: false, reason: 'no Custos-Signature header' };
  let t: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value !== undefined && /^\d+$/.test(value)) t = Number(value);
    if (name === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (t === null || candidates.length === 0)
    return { valid: false, reason: 'malformed Custos-Signature header' };
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(options.nowSeconds - t) > tolerance) {
    return { valid: false, reason: `timestamp ${t} is outside the ${tolerance} s tolerance window` };
  }
  const expected = Buffer.from(signatureHex(secret, t, rawBody), 'hex');
  const matches = candidates.some((hex) => timingSafeEqual(Buffer.from(hex, 'hex'), expected));
  return matches ? { valid: true, t } : { valid: false, reason: 'signature does not match' };
}
