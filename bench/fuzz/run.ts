/**
 * npm run fuzz: every reader of untrusted input against seeded mutations of a corpus of valid inputs made at
 * start; prints per target the inputs run, crashes, hangs over 1 s and heap growth, and exits 1 when there is
 * a crash or hang.
 *
 *   npm run fuzz                                  (10,000 inputs per target, seed 1)
 *   npm run fuzz -- --count 1000000 --seed 7 --target lean-x509 --target csr
 *   npm run fuzz -- --count 1000000 --seconds 600 --target api-body   (stops a target after 600 s)
 *   npm run fuzz -- --replay csr:1234 [--seed 7]  (that one input: its hex and what the reader says)
 *
 * Each target runs in a worker; a worker that reports no progress for
 * 60 s is stopped and its target reported as stuck (an endless loop cannot finish to be timed).
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { fuzzInput, type FuzzStats } from './harness.js';
import { isExpectedError, makeCorpus, TARGETS } from './targets.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string', multiple: true },
    replay: { type: 'string' },
    seconds: { type: 'string' },
  },
});
const COUNT = Number(values.count);
const SEED = Number(values.seed);
const SECONDS = values.seconds === undefined ? null : Number(values.seconds);
const STUCK_MS = 60_000;
const targets = values.target ?? Object.keys(TARGETS);
for (const name of targets)
  if (!(name in TARGETS))
    throw new Error(`unknown target ${name}; targets: ${Object.keys(TARGETS).join(', ')}`);

const corpus = await makeCorpus();

if (values.replay) {
  const [target, index] = values.replay.split(':');
  const input = fuzzInput(corpus, SEED, target!, Number(index));
  console.log(Buffer.from(input).toString('hex'));
  const made = await TARGETS[target!]!(corpus[target!]!);
  const { run, close } = typeof made === 'function' ? { run: made, close: undefined } : made;
  const started = performance.now();
  try {
    console.log(await run(input));
  } catch (error) {
    console.log(isExpectedError(error) ? 'refused:' : 'CRASH:', error);
  }
  // The input's own time, apart from making the corpus: what a hang reported under load is measured against.
  console.log(`${target}:${index} took ${(performance.now() - started).toFixed(1)} ms`);
  await close?.();
  process.exit(0);
}

function inWorker(target: string): Promise<FuzzStats | 'stuck'> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: { corpus, target, seed: SEED, count: COUNT, seconds: SECONDS },
    });
    let last = Date.now();
    let done = 0;
    const watchdog = setInterval(() => {
      if (Date.now() - last > STUCK_MS) {
        clearInterval(watchdog);
        console.log(`  ${target}: no progress for ${STUCK_MS / 1000} s after input ${done}; stopped`);
        void worker.terminate().then(() => resolve('stuck'));
      }
    }, 1000);
    worker.on('message', (message: { done?: number; stats?: FuzzStats }) => {
      last = Date.now();
      if (message.done) done = message.done;
      if (message.stats) {
        clearInterval(watchdog);
        resolve(message.stats);
      }
    });
    worker.on('error', (error) => {
      clearInterval(watchdog);
      reject(error);
    });
  });
}

console.log(
  `fuzz: seed ${SEED}, ${COUNT} inputs per target; corpus: ${targets.map((t) => `${t} ${corpus[t]!.length}`).join(', ')}`,
);
console.log(
  `  ${'target'.padEnd(16)} ${'inputs'.padStart(9)} ${'refused'.padStart(9)} ${'crashes'.padStart(8)} ${'hangs>1s'.padStart(9)} ${'slowest'.padStart(9)} ${'heap Δ'.padStart(9)}`,
);
let bad = 0;
for (const target of targets) {
  const started = performance.now();
  const stats = await inWorker(target);
  if (stats === 'stuck') {
    bad++;
    continue;
  }
  const heap = stats.heapGrowthMb === null ? '-' : `${stats.heapGrowthMb.toFixed(1)} MB`;
  console.log(
    `  ${target.padEnd(16)} ${String(stats.inputs).padStart(9)} ${String(stats.refused).padStart(9)} ${String(stats.crashes).padStart(8)} ${String(stats.hangs).padStart(9)} ${`${Math.round(stats.slowestMs)} ms`.padStart(9)} ${heap.padStart(9)}   (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  for (const finding of stats.findings)
    console.log(
      `    ${finding.kind} at input ${finding.index} (--replay ${target}:${finding.index}): ${finding.detail}`,
    );
  bad += stats.crashes + stats.hangs;
}
process.exit(bad === 0 ? 0 : 1);
