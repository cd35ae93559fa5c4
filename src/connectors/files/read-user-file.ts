import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DomainError } from '../../core/errors.js';
import { MAX_CONTAINER_BYTES } from '../../core/scan-files.js';

export interface ReadUserFileOptions {
  /** The most bytes the file may hold (default: the scanner's limit, MAX_CONTAINER_BYTES). */
  maxBytes?: number;
  /** What the file is, for messages: `--chain`, `the manifest`, ... (default "file"). */
  what?: string;
}

/**
 * Reads a file a user named (`verify FILE`, `--chain`, `--trust`, `--targets-file`, `apply -f`, `policy test
 * --certificate`, `--config`): the one place that does, so every such file has the same limits and codes.
 * - It must be a regular file (after symbolic links): a FIFO, a socket, a device (`/dev/zero`) or a directory is
 *   CUSTOS_FILE_NOT_REGULAR. The file is opened non-blocking, so a FIFO with no writer cannot hang the open.
 * - It holds at most `maxBytes`: above that (by its size, or by what it grew to while read) CUSTOS_FILE_TOO_LARGE,
 *   and no more than `maxBytes + 1` bytes are ever read.
 * - Missing: CUSTOS_FILE_NOT_FOUND; anything else the system refuses: CUSTOS_FILE_UNREADABLE.
 */
export async function readUserFile(path: string, options: ReadUserFileOptions = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? MAX_CONTAINER_BYTES;
  const what = options.what ?? 'file';
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw failure(error, path, what);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new DomainError(
        'CUSTOS_FILE_NOT_REGULAR',
        `${what} ${path} is ${kindOf(info)}, not a regular file; not read`,
        { hint: 'give the path of an ordinary file' },
      );
    }
    if (info.size > maxBytes) throw tooLarge(path, what, info.size, maxBytes);
    // Read up to one byte past the limit, whatever the size said: the file may grow while it is read.
    const buffer = Buffer.allocUnsafe(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(path, what, length, maxBytes);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    throw error instanceof DomainError ? error : failure(error, path, what);
  } finally {
    await handle.close();
  }
}

function tooLarge(path: string, what: string, size: number, maxBytes: number): DomainError {
  return new DomainError(
    'CUSTOS_FILE_TOO_LARGE',
    `${what} ${path} holds ${size === maxBytes + 1 ? 'more than ' + maxBytes : size} bytes, above the ${maxBytes} allowed; not read`,
  );
}

function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function failure(error: unknown, path: string, what: string): DomainError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new DomainError('CUSTOS_FILE_NOT_FOUND', `${what} ${path} does not exist`, { cause: error });
  }
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'I/O error');
  return new DomainError('CUSTOS_FILE_UNREADABLE', `${what} ${path} cannot be read (${reason})`, {
    cause: error,
  });
}
