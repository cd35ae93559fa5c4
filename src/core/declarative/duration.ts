import { parseDuration } from '../duration.js';

const DECLARED_DURATION = /^[1-9][0-9]{0,8}[smhd]$/;

/**
 * Durations in declarative objects are stricter than flags (src/core/duration.ts): one positive whole number and
 * one unit, `s`, `m`, `h` or `d` (`2s`, `5m`, `4h`, `7d`) — no compound forms, fractions or milliseconds, so a file
 * kept in git reads the same to every reviewer. Returns the problem, or null when the text is such a duration.
 */
export function durationProblem(text: string): string | null {
  return DECLARED_DURATION.test(text)
    ? null
    : `"${text}" is not a duration: write a positive whole number and one unit s, m, h or d (e.g. 2s, 5m, 4h, 7d)`;
}

/** A declared duration (already validated) in milliseconds. */
export function declaredDurationMs(text: string, what: string): number {
  return parseDuration(text, what);
}
