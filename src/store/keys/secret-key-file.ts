import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, unlink } from 'node:fs/promises';
import { ensureDataDir } from '../data-dir.js';
import { dirname } from 'node:path';
import { DomainError } from '../../core/errors.js';

/** Secret keys are 32 random bytes, kept as base64 text (one line) or given as base64 or hex. */
export const SECRET_KEY_BYTES = 32;

/**
 * Reads a 32-byte secret key from a file that only its owner may read (mode 0600 or stricter), creating it on the
 * first start when `create` is set. Creation is atomic and never overwrites: the key is written to a private temp
 * file and hard-linked into place, so two processes starting at once both end up with the one key that won, and a
 * crash leaves either no key file or a complete one. A key file others can read or write is refused
 * (CUSTOS_KEY_FILE_INSECURE): a key the database's other users may read protects nothing. Used for the audit key;
 * the CA's key-encryption key file is kept the same way.
 */
export async function readSecretKeyFile(
  path: string,
  options: { create: boolean; what: string },
): Promise<Buffer> {
  const existing = await readKey(path, options.what);
  if (existing !== null) return existing;
  if (!options.create) {
    throw new DomainError('CUSTOS_KEY_INVALID', `The ${options.what} file ${path} does not exist.`, {
      hint: 'Give the path of the key file that holds it.',
    });
  }
  await createKey(path);
  const created = await readKey(path, options.what);
  if (created === null) throw keyUnusable(path, options.what, 'it vanished right after it was created');
  return created;
}

async function readKey(path: string, what: string): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw insecure(path, what, 'it is a symbolic link');
    throw keyUnusable(path, what, (error as Error).message, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw insecure(path, what, 'it is not a regular file');
    if ((stat.mode & 0o077) !== 0) {
      throw insecure(path, what, `its mode is ${(stat.mode & 0o777).toString(8).padStart(4, '0')}`);
    }
    const text = (await handle.readFile({ encoding: 'utf8' })).trim();
    return decodeSecretKey(text, `The ${what} file ${path}`);
  } finally {
    await handle.close();
  }
}

/** A 32-byte key written as base64 or as 64 hex digits (from a file or an environment variable). */
export function decodeSecretKey(text: string, where: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (
    key.length !== SECRET_KEY_BYTES ||
    (!/^[0-9a-fA-F]{64}$/.test(text) && !/^[A-Za-z0-9+/]+=*$/.test(text))
  ) {
    throw new DomainError(
      'CUSTOS_KEY_INVALID',
      `${where} does not hold a ${SECRET_KEY_BYTES}-byte key as base64 or hex.`,
      { hint: 'Generate one with `openssl rand -base64 32`.' },
    );
  }
  return key;
}

async function createKey(path: string): Promise<void> {
  await ensureDataDir(dirname(path));
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
  } catch (error) {
    // Another process created the key first: theirs is the key, ours is dropped.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
}

function insecure(path: string, what: string, why: string): DomainError {
  return new DomainError('CUSTOS_KEY_FILE_INSECURE', `The ${what} file ${path} is refused: ${why}.`, {
    hint: `Make it a regular file only its owner can read: chmod 600 ${path}`,
  });
}

function keyUnusable(path: string, what: string, why: string, cause?: unknown): DomainError {
  return new DomainError('CUSTOS_KEY_INVALID', `The ${what} file ${path} cannot be read: ${why}.`, { cause });
}
