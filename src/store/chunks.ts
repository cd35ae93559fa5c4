/**
 * Keys (fingerprints, paths, location keys) per read or delete of a long list (one bound JSON/array parameter
 * each), with a turn of the event loop between slices (one query over 41,000 fingerprints blocked it for ~190 ms).
 * A listing's slice of 2,000 took 10-20 ms on a quiet machine but 50-60 ms on a slower one (bench/scan-files'
 * evaluation of 120,000 certificates), above the 50 ms a server should answer within: 1,000.
 */
export const KEYS_PER_READ = 1_000;

/**
 * Rows made and written per slice by a long write (a first scan's 120,000 certificates, their locations and
 * sightings), so that rows are not made for all of them in one piece; on SQLite the row writer gives the event loop
 * a turn once 20 ms of inserts have passed (PostgreSQL's round trips yield anyway).
 */
export const ROWS_PER_SLICE = 1_000;

/** Splits `items` into arrays of at most `size` (at least 1). */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += step) chunks.push(items.slice(start, start + step));
  return chunks;
}

/**
 * Rows per multi-row INSERT at most, whatever the parameter limit allows: on SQLite one statement is one block of the
 * event loop, and the 5,461-row statements the limit allowed for evaluations (6 columns) took ~100 ms each, the
 * largest share of the event-loop delays above 50 ms during a first scan of 100,000 files (bench/scan-files).
 */
const MAX_ROWS_PER_INSERT = 1_000;

/** How many rows of `columns` values one multi-row INSERT may hold. */
export function rowsPerInsert(maxParameters: number, columns: number): number {
  return Math.min(MAX_ROWS_PER_INSERT, Math.floor(maxParameters / columns));
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
