import { parseDuration } from '../core/duration.js';
import { DomainError } from '../core/errors.js';

/** Parses an ISO 8601 time given on the command line (`2026-10-01T00:00:00Z`, or a date `2026-10-01` = midnight UTC). */
export function parseTime(text: string, flag: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const time = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? new Date(iso) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${flag}: "${text}" is not an ISO 8601 time`, {
      hint: 'write e.g. 2026-10-01T00:00:00Z or 2026-10-01',
    });
  }
  return time;
}

export const parseDurationFlag = (text: string, flag: string): number => parseDuration(text, flag);

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
