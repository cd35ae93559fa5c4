import { parseDuration } from '../core/duration.js';
import { DomainError } from '../core/errors.js';

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Reads an ISO 8601 time (`2026-10-01T00:00:00Z`, or a date `2026-10-01` = midnight UTC), or null. A date that
 * does not exist (`2026-02-31`, `24:00`) is null, not rolled over into the next month.
 */
function isoTime(text: string): Date | null {
  const parts = ISO_TIME.exec(text);
  const time = parts ? new Date(parts[4] === undefined ? `${text}T00:00:00Z` : text) : new Date(Number.NaN);
  if (parts && !Number.isNaN(time.getTime())) {
    // Date() rolls 2026-02-31 over to March 3rd; the fields must read back as written.
    const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((p) => Number(p ?? 0));
    const civil = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
    if (
      civil.getUTCFullYear() === year &&
      civil.getUTCMonth() === month! - 1 &&
      civil.getUTCDate() === day &&
      civil.getUTCHours() === hour &&
      civil.getUTCMinutes() === minute &&
      civil.getUTCSeconds() === second
    ) {
      return time;
    }
  }
  return null;
}

/**
 * Parses a moment given on the command line (`--at`, `--since`): an ISO 8601 time, or a duration meaning that long
 * before now (`7d`, `12h`, `1h30m`), as `--expiring-within` takes durations. Checked at once; the answer is a
 * function of the clock's now, which the command reads when it runs.
 */
export function parseMoment(text: string, flag: string): (now: Date) => Date {
  const time = isoTime(text);
  if (time !== null) return () => time;
  if (/^\d{4}-/.test(text))
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${flag}: "${text}" is not an ISO 8601 time`, {
      hint: 'write e.g. 2026-10-01T00:00:00Z or 2026-10-01 (a date that exists)',
    });
  if (!/^\d+(?:\.\d+)?(?:ms|s|m|h|d)/.test(text))
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `${flag}: "${text}" is not an ISO 8601 time or a duration`,
      { hint: 'write e.g. 2026-10-01T00:00:00Z, 2026-10-01, or 7d for 7 days ago' },
    );
  const agoMs = parseDuration(text, flag, { allowZero: true });
  return (now) => new Date(now.getTime() - agoMs);
}

/** A window such as `--expiring-within 30d`: zero is allowed, at most 100 years. */
export const parseWindowFlag = (text: string, flag: string): number =>
  parseDuration(text, flag, { allowZero: true });

/** "in 12d", "3d ago": how far a time is from now, in whole days (hours under a day). */
export function relativeDays(time: Date, now: Date): string {
  const ms = time.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const text = abs >= 86_400_000 ? `${Math.floor(abs / 86_400_000)}d` : `${Math.floor(abs / 3_600_000)}h`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** A whole number from 1 to `max`, or `CUSTOS_INVALID_ARGUMENT` naming the flag. */
export function positiveInteger(text: string, flag: string, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) {
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `${flag}: "${text}" is not a whole number from 1 to ${max}`,
    );
  }
  return n;
}
