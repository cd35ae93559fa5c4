import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  type Stats,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/error-codes.js';
import type { FileStat, FileTree, WalkItem } from '../../core/ports/file-tree.js';

/**
 * The local file system as a FileTree. Synchronous on purpose: a scan is one sequential walk, and the
 * synchronous calls cost a third of the promise-based ones per small file (no thread-pool round trip).
 */
export class LocalFileTree implements FileTree {
  resolve(path: string): string {
    return resolve(path);
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  *walk(roots: string[], options: { maxFileBytes: number }): Iterable<WalkItem> {
    // Directories already entered, by device and inode, so a link back up the tree is walked once.
    const entered = new Set<string>();
    const stack = [...roots].reverse();
    while (stack.length > 0) {
      const path = stack.pop() as string;
      let stats: Stats;
      try {
        stats = statSync(path, { bigint: false });
      } catch (error) {
        yield errorItem(path, error);
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
        let names: string[];
        try {
          names = readdirSync(path);
        } catch (error) {
          yield errorItem(path, error);
          continue;
        }
        names.sort();
        for (let i = names.length - 1; i >= 0; i -= 1) stack.push(join(path, names[i] as string));
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
        yield { kind: 'file', stat: toFileStat(path, stats) };
      }
      // Sockets, FIFOs and devices hold no certificates: skipped, and a FIFO is never opened (it would block).
    }
  }

  read(path: string, maxBytes: number): Uint8Array {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new DomainError(codeOf(error), `cannot read ${path}: ${messageOf(error)}`, { cause: error });
    }
    try {
      const size = fstatSync(fd).size;
      if (size > maxBytes) {
        throw new DomainError(
          'CUSTOS_FILE_TOO_LARGE',
          `${size} bytes, above the ${maxBytes} bytes a certificate container can hold (it grew during the scan); not read`,
        );
      }
      const buffer = Buffer.allocUnsafe(size);
      let offset = 0;
      while (offset < size) {
        const n = readSync(fd, buffer, offset, size - offset, offset);
        if (n === 0) break;
        offset += n;
      }
      return offset === size ? buffer : buffer.subarray(0, offset);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError(codeOf(error), `cannot read ${path}: ${messageOf(error)}`, { cause: error });
    } finally {
      closeSync(fd);
    }
  }
}

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
