import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DomainError } from '../../core/errors.js';

/**
 * Writes a file so that a reader sees the old content or the new, never half of it: a temp file beside the target
 * (same file system, so the rename is atomic), fsync, rename over the target, then fsync the directory. A failure
 * (full disk, no permission) removes the temp file and is `CUSTOS_OUTPUT_WRITE_FAILED`; the target is untouched.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const mode = options.mode ?? 0o644;
    const handle = await open(temp, 'wx', mode);
    try {
      // The mode asked for, whatever the umask: a destination declared '0664' is 0664, and is found so next time.
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError('CUSTOS_OUTPUT_WRITE_FAILED', `could not write ${path}: ${reason}`, {
      cause: error,
    });
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is already done.
  }
}
