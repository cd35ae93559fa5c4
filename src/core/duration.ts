import { DomainError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * The longest duration Custos reads anywhere: 100 years. Beyond it a time computed from now leaves the range a
 * Date holds (±8.64e15 ms), so a window such as `99999999999999999999d` would silently list nothing.
 */
export const MAX_DURATION_MS = 36_500 * UNIT_MS.d;

/** The longest delay a Node timer holds (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The one duration syntax of Custos, in two forms:
 * - `flag` (command-line flags, the configuration): `500ms`, `2s`, `5m`, `4h`, `30d`, fractions (`1.5h`) and
 *   combinations (`1h30m`);
 * - `declared` (declarative objects): stricter, one positive whole number and one unit `s`, `m`, `h` or `d`
 *   (`2s`, `5m`, `4h`, `7d`) — no compound forms, fractions or milliseconds, so a file kept in git reads the same
 *   to every reviewer.
 * Both are bounded: above zero unless `allowZero`, and at most `maxMs` (default MAX_DURATION_MS).
 */
export interface DurationRules {
  form?: 'flag' | 'declared';
  allowZero?: boolean;
  maxMs?: number;
}

const FLAG_FORM_HINT = 'write a number and a unit: ms, s, m, h or d (e.g. 30s, 15m, 4h, 30d, 1h30m)';
const DECLARED_FORM = /^[1-9][0-9]{0,8}[smhd]$/;

/** The problem with a duration text, or null when it is one within the rules; its value in `ms` otherwise. */
function read(text: string, rules: DurationRules): { ms: number } | { problem: string } {
  let ms: number;
  if (rules.form === 'declared') {
    if (!DECLARED_FORM.test(text)) {
      return {
        problem: `"${text}" is not a duration: write a positive whole number and one unit s, m, h or d (e.g. 2s, 5m, 4h, 7d)`,
      };
    }
    ms = Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS];
  } else {
    const trimmed = text.trim();
    const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
    if (trimmed === '' || parts.map((p) => p[0]).join('') !== trimmed) {
      return { problem: `"${text}" is not a duration` };
    }
    ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as keyof typeof UNIT_MS], 0);
  }
  const max = rules.maxMs ?? MAX_DURATION_MS;
  if (ms === 0 && !rules.allowZero) return { problem: `"${text}" is zero; give a duration above zero` };
  if (!(ms <= max)) return { problem: `"${text}" is longer than the ${formatDuration(max)} allowed here` };
  return { ms };
}

/** The problem with a declared duration (for schema validation), or null when it is valid. */
export function durationProblem(text: string): string | null {
  const result = read(text, { form: 'declared' });
  return 'problem' in result ? result.problem : null;
}

/**
 * Parses a duration into milliseconds; `what` names the field or flag in the error. Throws CUSTOS_INVALID_ARGUMENT
 * for a text that is not a duration of the form or is out of bounds.
 */
export function parseDuration(text: string, what: string, rules: DurationRules = {}): number {
  const result = read(text, rules);
  if ('problem' in result) {
    // A declared duration's problem says its form already (schema messages have no hint); a flag's is in the hint.
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `${what}: ${result.problem}`,
      rules.form === 'declared'
        ? {}
        : { hint: `${FLAG_FORM_HINT}, up to ${formatDuration(rules.maxMs ?? MAX_DURATION_MS)}` },
    );
  }
  return result.ms;
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
