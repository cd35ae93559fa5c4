/**
 * Runs `work` over the items of `source` with at most `concurrency` calls in flight, yielding each result as soon
 * as it is ready (completion order, not input order). The source is pulled only when a slot frees, so a
 * generator of 100,000 endpoints is never held in memory, and results are yielded as they come, so the caller's
 * memory stays flat too. `work` must not throw: a thrown error ends the iteration with that error once the calls
 * in flight have settled.
 */
export async function* boundedMap<T, R>(
  source: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be >= 1');
  const isAsync = Symbol.asyncIterator in source;
  const iterator = isAsync
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
  const ready: R[] = [];
  let failure: { error: unknown } | null = null;
  let inFlight = 0;
  let exhausted = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  const start = (item: T): void => {
    inFlight++;
    work(item).then(
      (result) => {
        inFlight--;
        ready.push(result);
        notify();
      },
      (error: unknown) => {
        inFlight--;
        failure ??= { error };
        notify();
      },
    );
  };

  try {
    for (;;) {
      // Results that came back while pulling an async source are handed out before pulling more.
      while (!exhausted && failure === null && inFlight < concurrency && ready.length === 0) {
        const next = isAsync ? await iterator.next() : (iterator as Iterator<T>).next();
        if (next.done) exhausted = true;
        else start(next.value);
      }
      if (ready.length > 0) {
        // One at a time, refilling the freed slots in between, so a slow consumer does not idle the workers.
        yield ready.shift() as R;
        continue;
      }
      if (failure !== null && inFlight === 0) throw (failure as { error: unknown }).error;
      if (exhausted && inFlight === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
