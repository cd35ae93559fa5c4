/**
 * A long loop in slices, with a turn of the event loop offered between slices (`giveTurn`, from the store
 * transaction the loop runs in): evaluating and linting the 24,000 certificates of a first scan of 20,000 files
 * took ~1 s of JavaScript in one piece (bench/scan-files).
 */
const ITEMS_PER_SLICE = 64;

export async function mapInTurns<T, R>(
  items: readonly T[],
  work: (item: T) => R,
  giveTurn: () => Promise<void>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 1) {
    results.push(work(items[i] as T));
    if (i % ITEMS_PER_SLICE === ITEMS_PER_SLICE - 1) await giveTurn();
  }
  return results;
}
