import { readFile } from 'node:fs/promises';
import { DomainError } from '../core/errors.js';

/**
 * The passwords a scan tries: every `--password`, every line of every `--password-file`, and every line of
 * `CUSTOS_PASSWORDS`. The file and the variable keep passwords out of `ps` and shell history; a password given on
 * the command line is visible to every user of the machine while the scan runs.
 */
export async function scanPasswords(options: {
  password: string[];
  passwordFile: string[];
  environment: string | undefined;
}): Promise<string[]> {
  const fromFiles = await Promise.all(options.passwordFile.map(readPasswordFile));
  return [...options.password, ...fromFiles.flat(), ...lines(options.environment ?? '')];
}

const lines = (text: string): string[] => text.split(/\r?\n/).filter((line) => line !== '');

async function readPasswordFile(path: string): Promise<string[]> {
  try {
    return lines(await readFile(path, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DomainError(
      missing ? 'CUSTOS_FILE_NOT_FOUND' : 'CUSTOS_FILE_UNREADABLE',
      `cannot read ${path}`,
      {
        cause: error,
        hint: 'give a file with one password per line',
      },
    );
  }
}
