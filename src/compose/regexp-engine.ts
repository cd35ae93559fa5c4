import { setFlagsFromString } from 'node:v8';

/**
 * The bound on CEL's `matches()` (src/core/policy/cel-regex.ts): V8 re-runs a regular expression that backtracks too
 * much (50,000 backtracks) on its linear-time engine, which gives the same answer in time linear in the subject.
 * A process-wide setting, so the composition root makes it once, before any policy runs; the patterns that engine
 * cannot take are refused when a policy is applied.
 */
export function boundRegExpBacktracking(): void {
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
}
