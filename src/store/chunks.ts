/**
 * Fingerprints per read of a long list (one bound JSON/array parameter each): a slice takes ~10-20 ms, and a long
 * read gives the event loop a turn between slices (one query over 41,000 fingerprints blocked it for ~190 ms).
 */
export const FINGERPRINTS_PER_READ = 2_000;

/** Splits `items` into arrays of at most `size` (at least 1). */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += step) chunks.push(items.slice(start, start + step));
  return chunks;
}

/** How many rows of `columns` values one multi-row INSERT may hold. */
export function rowsPerInsert(maxParameters: number, columns: number): number {
  return Math.floor(maxParameters / columns);
}

/**
 * The paths at or below `root` as an index range: `path >= exact AND path < below AND (path = exact OR path >=
 * under)`. '0' is the character after '/', so [root + '/', root + '0') holds exactly the paths below root; the
 * columns compare byte-wise (SQLite BINARY, PostgreSQL COLLATE "C").
 */
export function pathRange(root: string): { exact: string; under: string; below: string } {
  const trimmed = root.replace(/\/+$/, '');
  if (trimmed === '') return { exact: '/', under: '/', below: '0' };
  return { exact: trimmed, under: `${trimmed}/`, below: `${trimmed}0` };
}

/** The fingerprints starting with a hex prefix as an index range [from, to); null when it is not hex. */
export function fingerprintRange(prefix: string): { from: string; to: string } | null {
  const hex = prefix.toLowerCase();
  if (!/^[0-9a-f]*$/.test(hex)) return null;
  return { from: hex, to: `${hex}g` };
}
