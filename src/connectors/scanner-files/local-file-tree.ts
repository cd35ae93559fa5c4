import { isUtf8 } from 'node:buffer';
import { existsSync, type Stats } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { DomainError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/error-codes.js';
import type { FileStat, FileTree, WalkItem } from '../../core/ports/file-tree.js';
import { fileNameText } from './file-name.js';

/** A path to visit: its text (as reported and stored) and, when a name on it is not UTF-8, the bytes to open. */
interface Entry {
  path: string;
  bytes?: Buffer;
  /** The directory listed it as a symbolic link. */
  link?: boolean;
  /** Filled when it is stat'ed, ahead of its turn, with its siblings. */
  stats?: Stats | { error: unknown };
  /** For a link: the path it resolves to (filled with `stats`), unless that could not be told. */
  linkTarget?: string;
}

/**
 * Siblings stat'ed at once. Each stat is a round trip to libuv's thread pool (4 threads by default); keeping more
 * in flight than the pool has threads hides the round trips.
 */
const STAT_AHEAD = 32;

/** The first read of a file: certificates, keys and bundles are a few kilobytes. */
const FIRST_READ_BYTES = 64 * 1024;

/**
 * The local file system as a FileTree: an asynchronous walk with promise reads, so the event loop stays free for
 * other work (`custos serve` answers requests while it scans). Names are read as bytes: a name that is not valid
 * UTF-8 is walked and read all the same, and reported with its invalid bytes escaped (`caf\xe9.pem`).
 * The price, measured on bench/scan-files' 10,000-file tree with 16 reads ahead (2 cores, load average 13-17):
 * walk + read run at 7,000-12,000 files/s against 17,000-37,000 for the synchronous calls this replaced; the
 * parsing and the store's writes after them are slower still, so a scan loses little.
 */
export class LocalFileTree implements FileTree {
  /** The bytes of the walked paths whose text is escaped, so that read() opens the file the walk found. */
  readonly #bytesOf = new Map<string, Buffer>();

  resolve(path: string): string {
    return resolve(path);
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  async *walk(roots: string[], options: { maxFileBytes: number }): AsyncIterable<WalkItem> {
    // Directories already entered, by device and inode, so a link back up the tree is walked once.
    const entered = new Set<string>();
    const stack: Entry[] = roots.map((path) => ({ path })).reverse();
    while (stack.length > 0) {
      if ((stack[stack.length - 1] as Entry).stats === undefined) await statAhead(stack);
      const entry = stack.pop() as Entry;
      const { path } = entry;
      const stats = entry.stats as Stats | { error: unknown };
      if ('error' in stats) {
        yield errorItem(path, stats.error);
        continue;
      }
      if (stats.isDirectory()) {
        const id = `${stats.dev}:${stats.ino}`;
        if (entered.has(id)) {
          yield {
            kind: 'error',
            path,
            code: 'CUSTOS_FILE_SYMLINK_LOOP',
            message: 'a symbolic link leads back into a directory already scanned; not followed',
          };
          continue;
        }
        entered.add(id);
        let listed: Array<{ name: Buffer; isSymbolicLink(): boolean }>;
        try {
          listed = await readdir(entry.bytes ?? path, { encoding: 'buffer', withFileTypes: true });
        } catch (error) {
          yield errorItem(path, error);
          continue;
        }
        const children = listed
          .map((d) => ({ ...child(entry, d.name), link: d.isSymbolicLink() }))
          .sort((a, b) => compare(a.path, b.path));
        for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i] as Entry);
      } else if (stats.isFile()) {
        if (stats.size > options.maxFileBytes) {
          yield {
            kind: 'error',
            path,
            code: 'CUSTOS_FILE_TOO_LARGE',
            message: `${stats.size} bytes, above the ${options.maxFileBytes} bytes a certificate container can hold; not read`,
          };
          continue;
        }
        if (entry.bytes) this.#bytesOf.set(path, entry.bytes);
        const stat = toFileStat(path, stats);
        yield {
          kind: 'file',
          stat: entry.linkTarget === undefined ? stat : { ...stat, linkTarget: entry.linkTarget },
        };
      }
      // Sockets, FIFOs and devices hold no certificates: skipped, and a FIFO is never opened (it would block).
    }
  }

  async read(path: string, maxBytes: number): Promise<Uint8Array> {
    let handle;
    try {
      handle = await open(this.#bytesOf.get(path) ?? path, 'r');
    } catch (error) {
      throw new DomainError(codeOf(error), `cannot read ${path}: ${messageOf(error)}`, { cause: error });
    }
    try {
      // No fstat: the first read is sized for a certificate file and grows only for a bigger one, so a small file
      // costs three round trips to the thread pool (open, read, close). A short read of a regular file is its end.
      let buffer = Buffer.allocUnsafe(Math.min(FIRST_READ_BYTES, maxBytes + 1));
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        length += bytesRead;
        if (length > maxBytes) {
          throw new DomainError(
            'CUSTOS_FILE_TOO_LARGE',
            `more than the ${maxBytes} bytes a certificate container can hold (it grew during the scan); not read`,
          );
        }
        // A copy of the exact size: parsed certificates keep views of these bytes, which would pin the whole buffer.
        if (length < buffer.length) return Buffer.from(buffer.subarray(0, length));
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 4, maxBytes + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError(codeOf(error), `cannot read ${path}: ${messageOf(error)}`, { cause: error });
    } finally {
      await handle.close();
    }
  }
}

/**
 * Stats the entries on top of the stack that have not been, up to STAT_AHEAD of them at once (following links), and
 * resolves the links among them (a directory entry tells which are, so other files cost nothing more).
 */
async function statAhead(stack: Entry[]): Promise<void> {
  const batch: Entry[] = [];
  for (let i = stack.length - 1; i >= 0 && batch.length < STAT_AHEAD; i -= 1) {
    const entry = stack[i] as Entry;
    if (entry.stats !== undefined) break;
    batch.push(entry);
  }
  await Promise.all(
    batch.map(async (entry) => {
      try {
        entry.stats = await stat(entry.bytes ?? entry.path);
      } catch (error) {
        entry.stats = { error };
        return;
      }
      if (entry.link === true && entry.stats.isFile()) {
        try {
          entry.linkTarget = fileNameText(await realpath(entry.bytes ?? entry.path, { encoding: 'buffer' }));
        } catch {
          // Replaced between the stat and now: read as a file of its own.
        }
      }
    }),
  );
}

function child(parent: Entry, name: Buffer): Entry {
  if (parent.bytes === undefined && isUtf8(name)) return { path: join(parent.path, name.toString('utf8')) };
  const base = parent.bytes ?? Buffer.from(parent.path);
  const separator = base.at(-1) === sep.charCodeAt(0) ? [] : [Buffer.from(sep)];
  return { path: join(parent.path, fileNameText(name)), bytes: Buffer.concat([base, ...separator, name]) };
}

/** The order of the synchronous walk (JavaScript's default sort of the names as text). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function toFileStat(path: string, stats: Stats): FileStat {
  return { path, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, inode: stats.ino };
}

function codeOf(error: unknown): ErrorCode {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'CUSTOS_FILE_SYMLINK_LOOP';
  if (code === 'ENOENT') return 'CUSTOS_FILE_NOT_FOUND';
  return 'CUSTOS_FILE_UNREADABLE';
}

function messageOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file (a dangling symbolic link, or removed during the scan)';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message;
  }
}

function errorItem(path: string, error: unknown): WalkItem {
  return { kind: 'error', path, code: codeOf(error), message: messageOf(error) };
}
