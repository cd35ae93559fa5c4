import { DomainError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration such as `500ms`, `2s`, `5m`, `4h`, `30d` or a combination (`1h30m`) into milliseconds.
 * `what` names the field or flag in the error message.
 */
export function parseDuration(text: string, what: string): number {
  const trimmed = text.trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (trimmed === '' || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${what}: "${text}" is not a duration`, {
      hint: 'write a number and a unit: ms, s, m, h or d (e.g. 30s, 15m, 4h, 30d, 1h30m)',
    });
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as keyof typeof UNIT_MS], 0);
}

/** Formats milliseconds as the largest whole units (`30d`, `4h30m`, `2s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const units: Array<[keyof typeof UNIT_MS, number]> = [
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
    ['s', UNIT_MS.s],
    ['ms', UNIT_MS.ms],
  ];
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
