import type { ErrorCode } from '../error-codes.js';

/** What the scanner needs to know of a file to tell whether it changed since it was last read. */
export interface FileStat {
  /**
   * Absolute path, as walked (symbolic links are followed but not resolved away), as text: the bytes of a name that
   * is not valid UTF-8 show as `\xHH`. The same file gives the same path on every walk; read() takes it back.
   */
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  inode: number;
  /**
   * When the walk reached the file through a symbolic link in a directory it listed: the path the link resolves to
   * (certbot's `live/NAME/cert.pem` -> `archive/NAME/cert3.pem`).
   */
  linkTarget?: string;
}

export type WalkItem =
  | { kind: 'file'; stat: FileStat }
  /** A file or directory that could not be walked; the walk goes on. */
  | { kind: 'error'; path: string; code: ErrorCode; message: string };

/** A file system to scan, behind a port so core does no I/O. */
export interface FileTree {
  /** Absolute form of a path given by the user (relative to the working directory). */
  resolve(path: string): string;
  /** Whether the path exists (a missing root is a usage error, not an empty tree). */
  exists(path: string): boolean;
  /**
   * Every regular file under the roots (a root may itself be a file), in name order, following symbolic links,
   * reporting loops, unreadable directories and files larger than `maxFileBytes` as errors, without stopping.
   * Asynchronous, so a long walk leaves the event loop free.
   */
  walk(roots: string[], options: { maxFileBytes: number }): AsyncIterable<WalkItem>;
  /**
   * The bytes of a file the walk reported (by its `path`); rejects with DomainError CUSTOS_FILE_UNREADABLE when it
   * cannot be read, CUSTOS_FILE_TOO_LARGE when it has grown past `maxBytes` since it was walked. Several reads may
   * be in flight at once.
   */
  read(path: string, maxBytes: number): Promise<Uint8Array>;
}
