/**
 * Runs `work` over the items of `source` with at most `ahead` calls in flight, yielding the results in the source's
 * order (boundedMap, beside it, yields in completion order). The source is pulled only as the window frees, so a
 * walk of a million files is never held in memory. Used to read files ahead of the parser: the reads wait on the
 * disk together while the parser takes them one by one, in walk order. A rejected call rejects the iteration when
 * its turn comes, after the calls in flight have settled.
 */
export async function* orderedMap<T, R>(
  source: Iterable<T> | AsyncIterable<T>,
  ahead: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  if (!Number.isInteger(ahead) || ahead < 1) throw new RangeError('ahead must be >= 1');
  const window: Array<Promise<R>> = [];
  const start = (item: T): void => {
    const call = work(item);
    call.catch(() => undefined); // handled when its turn comes, not an unhandled rejection meanwhile
    window.push(call);
  };
  try {
    for await (const item of source) {
      start(item);
      if (window.length >= ahead) yield await (window.shift() as Promise<R>);
    }
    while (window.length > 0) yield await (window.shift() as Promise<R>);
  } finally {
    await Promise.allSettled(window);
  }
}
