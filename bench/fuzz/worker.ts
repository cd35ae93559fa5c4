/** The fuzz worker: runs one target (workerData) and posts progress, then its stats. */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzzTarget } from './harness.js';
import type { Corpus } from './targets.js';

const { corpus, target, seed, count, seconds } = workerData as {
  corpus: Corpus;
  target: string;
  seed: number;
  count: number;
  seconds: number | null;
};
const stats = await fuzzTarget(corpus, target, {
  seed,
  count,
  ...(seconds === null ? {} : { until: performance.now() + seconds * 1000 }),
  progress: (done) => parentPort!.postMessage({ done }),
});
parentPort!.postMessage({ stats });
