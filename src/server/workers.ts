/**
 * The background work of `custos serve` (off with `--no-workers`): named tasks run every interval, one run at a time
 * each, errors logged and retried at the next tick. Stopping waits for the runs in flight, so shutdown never cuts a
 * task in the middle of its transaction.
 */
import type { Logger } from '../compose/logger.js';

export interface BackgroundTask {
  name: string;
  /** Time between the end of one run and the start of the next. */
  everyMs: number;
  /** Runs once at start too (default true). */
  runAtStart?: boolean;
  run(signal: AbortSignal): Promise<void>;
}

export interface Workers {
  readonly names: readonly string[];
  /** Stops scheduling and resolves when every run in flight has finished. */
  stop(): Promise<void>;
}

export function startWorkers(tasks: readonly BackgroundTask[], logger: Logger): Workers {
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();

  const schedule = (task: BackgroundTask, delayMs: number): void => {
    if (abort.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const started = performance.now();
      const run = task
        .run(abort.signal)
        .then(
          () => logger.debug({ task: task.name, ms: Math.round(performance.now() - started) }, 'task ran'),
          (err: unknown) => logger.error({ task: task.name, err }, 'task failed; retried at its next run'),
        )
        .finally(() => {
          inFlight.delete(run);
          schedule(task, task.everyMs);
        });
      inFlight.add(run);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };

  for (const task of tasks) schedule(task, task.runAtStart === false ? task.everyMs : 0);
  return {
    names: tasks.map((t) => t.name),
    async stop() {
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
