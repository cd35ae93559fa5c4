import type { ASTNode } from '@marcbachmann/cel-js';

/**
 * The bound on `matches()`. cel-js runs it with JavaScript's backtracking RegExp (not RE2), so `'aaaa…!'.matches(
 * '^(a+)+$')` would take exponential time. Two guards:
 * - V8 re-runs a regular expression that backtracks too much (50,000 backtracks) on its linear-time engine, which
 *   gives the same answer in time linear in the subject (set by the composition root: src/compose/regexp-engine.ts).
 *   That engine takes every pattern without backreferences, lookarounds or a counted repetition under another
 *   quantifier.
 * - An expression is refused when it is applied if a `matches` pattern is not a string literal (a pattern read
 *   from a certificate would be chosen by whoever made the certificate) or uses one of those three forms.
 */
/** Why a pattern could take more than linear time, or null. */
export function unboundedPatternReason(pattern: string): string | null {
  /** Per open group: whether it holds a quantifier, and a counted one ({n,m}). */
  const groups: Array<{ quantified: boolean; counted: boolean }> = [{ quantified: false, counted: false }];
  let last: { quantified: boolean; counted: boolean } | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const top = groups[groups.length - 1]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'a backreference';
      i++;
      last = { quantified: false, counted: false };
    } else if (c === '[') {
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      last = { quantified: false, counted: false };
    } else if (c === '(') {
      if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) return 'a lookaround';
      groups.push({ quantified: false, counted: false });
      last = null;
    } else if (c === ')') {
      last = groups.length > 1 ? groups.pop()! : { quantified: false, counted: false };
    } else if ('*+?'.includes(c) || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)))) {
      const counted = c === '{';
      if (last !== null && ((counted && last.quantified) || last.counted))
        return 'a counted repetition ({n,m}) nested in another quantifier';
      if (counted) i = pattern.indexOf('}', i);
      if (pattern[i + 1] === '?') i++;
      top.quantified = true;
      top.counted ||= counted || (last?.counted ?? false);
      last = null;
    } else {
      last = { quantified: false, counted: false };
    }
    if (c === ')' && last !== null) {
      const parent = groups[groups.length - 1]!;
      parent.quantified ||= last.quantified;
      parent.counted ||= last.counted;
    }
  }
  return null;
}

const isNode = (value: unknown): value is ASTNode =>
  typeof value === 'object' && value !== null && 'op' in value && 'args' in value;

/** The first `matches` call whose pattern is not a literal or may take more than linear time. */
export function unboundedMatch(root: ASTNode): { message: string; offset: number } | null {
  const queue: unknown[] = [root];
  for (let value = queue.shift(); value !== undefined; value = queue.shift()) {
    if (Array.isArray(value)) {
      queue.push(...(value as unknown[]));
      continue;
    }
    if (!isNode(value)) continue;
    const args = value.args as unknown[];
    const pattern =
      value.op === 'rcall' && args[0] === 'matches'
        ? (args[2] as ASTNode[])[0]
        : value.op === 'call' && args[0] === 'matches'
          ? (args[1] as ASTNode[])[1]
          : undefined;
    if (pattern !== undefined) {
      if (pattern.op !== 'value' || typeof pattern.args !== 'string')
        return {
          message:
            'the pattern of matches() must be a string literal, so that it can be checked when applied',
          offset: pattern.start,
        };
      const reason = unboundedPatternReason(pattern.args);
      if (reason !== null)
        return {
          message: `the pattern of matches() uses ${reason}, which can take exponential time; write the pattern without it`,
          offset: pattern.start,
        };
    }
    if (Array.isArray(value.args)) queue.push(...(value.args as unknown[]));
  }
  return null;
}
