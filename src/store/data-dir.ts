import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DomainError } from '../core/errors.js';
import { errorText } from './store-errors.js';

/** Creates the data directory (mode 0700) when missing and checks that it can be written: CUSTOS_DATA_DIR_UNUSABLE. */
export async function ensureDataDir(dir: string): Promise<void> {
  try {
    await makeDirectories(dir);
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new DomainError(
      'CUSTOS_DATA_DIR_UNUSABLE',
      `The data directory ${dir} cannot be created or written (${errorText(error)}).`,
      { cause: error, hint: 'Point --data-dir (or CUSTOS_DATA_DIR) at a writable directory.' },
    );
  }
}

/**
 * `mkdir -p` one level at a time. Node's `mkdir(..., { recursive: true })` spins at 100% CPU for ever under a
 * directory that answers ENOENT to every mkdir (`/proc/x`); here the first refusal is the answer.
 */
async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let path = dir; ; path = dirname(path)) {
    const found = await stat(path).then(
      (stats) => stats.isDirectory(),
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        return null;
      },
    );
    if (found === false) throw Object.assign(new Error(`${path} is not a directory`), { code: 'ENOTDIR' });
    if (found || dirname(path) === path) break;
    missing.push(path);
  }
  for (const path of missing.reverse()) {
    await mkdir(path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error; // another process made it at the same moment
    });
  }
}
