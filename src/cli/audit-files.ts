import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseCheckpointText } from '../core/audit/read-checkpoint.js';
import { DomainError } from '../core/errors.js';
import type { CheckpointToCheck } from '../core/verify-audit.js';

/** The files `audit verify`, `export` and `checkpoint` read: checkpoints, exports, public keys, webhook secrets. */

function unreadable(path: string, error: unknown, what: string): DomainError {
  const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
  return new DomainError(
    missing ? 'CUSTOS_FILE_NOT_FOUND' : 'CUSTOS_FILE_UNREADABLE',
    `cannot read ${path}`,
    {
      cause: error,
      hint: `give the path of ${what}`,
    },
  );
}

export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(path, error, what);
  }
}

export async function readCheckpoints(paths: string[]): Promise<CheckpointToCheck[]> {
  return Promise.all(
    paths.map(async (source) => ({
      source,
      checkpoint: parseCheckpointText(await readText(source, 'a checkpoint file'), source),
    })),
  );
}

export const readPublicKey = (path: string): Promise<string> => readText(path, 'a PEM public key');

/** The lines of an export file, streamed (an export of millions of records is never held in memory). */
export async function* exportLines(path: string): AsyncIterable<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw unreadable(path, error, 'a file `custos audit export` wrote');
  }
  yield* createInterface({ input: stream, crlfDelay: Infinity });
}
