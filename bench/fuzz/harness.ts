/**
 * Runs one fuzz target over `count` inputs made by the mutator, counting crashes (an exception that is not a
 * PkiFormatError/DomainError), slow inputs (over 1 s: hangs) and heap growth (heap used after a forced GC,
 * from the end of a short warm-up to the end). Runs in a worker (run.ts) or in the test's process (fuzz.test.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inputSeed, mutate, random } from './mutator.js';
import { isExpectedError, TARGETS, type Corpus } from './targets.js';

export const HANG_MS = 1000;

export interface FuzzFinding {
  index: number;
  kind: 'crash' | 'hang';
  detail: string;
  /** The input, hex (cut to 4 kB). */
  input: string;
}

export interface FuzzStats {
  target: string;
  inputs: number;
  /** Inputs a reader refused with a coded error. */
  refused: number;
  crashes: number;
  hangs: number;
  slowestMs: number;
  heapGrowthMb: number | null;
  findings: FuzzFinding[];
}

/** The input `index` of a run for a target (what --replay makes again). */
export function fuzzInput(corpus: Corpus, runSeed: number, target: string, index: number): Uint8Array {
  return mutate(corpus[target]!, random(inputSeed(runSeed, target, index)));
}

// A worker cannot be started with --expose-gc; the flag set at run time gives a new context its gc().
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
};

/** Fuzzes one target; `progress` is told the number of inputs done from time to time. */
export async function fuzzTarget(
  corpus: Corpus,
  target: string,
  options: {
    seed: number;
    count: number;
    /** Stop before `count` at this time (performance.now()); `inputs` says how many ran. */
    until?: number;
    progress?: (done: number) => void;
  },
): Promise<FuzzStats> {
  const seeds = corpus[target] ?? [];
  const stats: FuzzStats = {
    target,
    inputs: 0,
    refused: 0,
    crashes: 0,
    hangs: 0,
    slowestMs: 0,
    heapGrowthMb: null,
    findings: [],
  };
  if (seeds.length === 0) return stats;
  const made = await TARGETS[target]!(seeds);
  const { run, close } = typeof made === 'function' ? { run: made, close: undefined } : made;
  const warmup = Math.min(200, Math.floor(options.count / 10));
  let heapStart = 0;
  for (let index = 0; index < options.count; index++) {
    if (index === warmup) heapStart = heapMb();
    const input = fuzzInput(corpus, options.seed, target, index);
    const started = performance.now();
    try {
      await run(input);
    } catch (error) {
      if (isExpectedError(error)) stats.refused++;
      else {
        stats.crashes++;
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (stats.findings.length < 20)
          stats.findings.push({ index, kind: 'crash', detail, input: hex(input) });
      }
    }
    const ms = performance.now() - started;
    stats.slowestMs = Math.max(stats.slowestMs, ms);
    if (ms > HANG_MS) {
      stats.hangs++;
      if (stats.findings.length < 20)
        stats.findings.push({ index, kind: 'hang', detail: `${Math.round(ms)} ms`, input: hex(input) });
    }
    stats.inputs++;
    if ((index & 255) === 255) options.progress?.(index + 1);
    if (options.until !== undefined && performance.now() > options.until) break;
  }
  if (stats.inputs > warmup) stats.heapGrowthMb = heapMb() - heapStart;
  await close?.();
  return stats;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.subarray(0, 4096)).toString('hex');
