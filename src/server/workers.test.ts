import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { startWorkers } from './workers.js';

function aLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

test('a task runs at start and again after its interval; a failed run is logged and retried', async () => {
  const { logger, lines } = aLogger();
  let runs = 0;
  const workers = startWorkers(
    [
      {
        name: 'flaky',
        everyMs: 10,
        run: async () => {
          runs += 1;
          if (runs === 1) throw new Error('first run fails');
        },
      },
    ],
    logger,
  );
  // Waits for the third run however slow the machine is (bounded, so a runner that never repeats fails).
  for (let waited = 0; runs < 3 && waited < 20_000; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  await workers.stop();
  assert.ok(runs >= 3, `ran ${runs} times`);
  assert.ok(lines.some((l) => l.task === 'flaky' && l.msg === 'task failed; retried at its next run'));
  const after = runs;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(runs, after, 'nothing runs once stopped');
});

test('stop() waits for the run in flight, and the run sees the abort signal', async () => {
  const { logger } = aLogger();
  // The workers' timers do not hold the process open (the server does); this test holds it.
  const hold = setInterval(() => undefined, 1000);
  let finished = false;
  let sawAbort = false;
  let started: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (started = resolve));
  const workers = startWorkers(
    [
      {
        name: 'slow',
        everyMs: 60_000,
        run: async (signal) => {
          started();
          await new Promise((resolve) => setTimeout(resolve, 50));
          sawAbort = signal.aborted;
          finished = true;
        },
      },
    ],
    logger,
  );
  await running;
  await workers.stop();
  assert.equal(finished, true, 'stop() resolved only after the run ended');
  assert.equal(sawAbort, true);
  clearInterval(hold);
});
