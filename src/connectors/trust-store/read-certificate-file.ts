import { readFile, stat } from 'node:fs/promises';
import { DomainError } from '../../core/errors.js';
import { readContainer } from '../../pki/formats/read-container.js';

/** Certificate files (CERT, --chain, --trust) are small; anything larger is not one. */
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * The certificates of one file, in file order, whatever its format (PEM bundle, DER, PKCS#7, PKCS#12 with an
 * empty or given password, JKS, Kubernetes Secret). A file that cannot be read, holds a broken entry, or holds
 * no certificate is a DomainError with the code of the first problem (CLI exit 2): a chain or trust store that
 * is half read would give a verdict on something else than what the user gave.
 */
export async function readCertificateFile(
  path: string,
  passwords: readonly string[] = [],
): Promise<Uint8Array[]> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory())
      throw new DomainError('CUSTOS_FILE_UNREADABLE', `${path} is a directory, not a file`);
    if (info.size > MAX_BYTES) {
      throw new DomainError(
        'CUSTOS_FILE_TOO_LARGE',
        `${path} is ${info.size} bytes; certificate files are small`,
      );
    }
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new DomainError('CUSTOS_FILE_NOT_FOUND', `${path} does not exist`, { cause: error });
    throw new DomainError('CUSTOS_FILE_UNREADABLE', `${path} cannot be read (${code ?? 'I/O error'})`, {
      cause: error,
    });
  }
  const result = readContainer(bytes, { passwords });
  const problem = result.problems[0];
  if (problem) throw new DomainError(problem.code, `${path}: ${problem.message}`);
  if (result.certificates.length === 0) {
    throw new DomainError('CUSTOS_FILE_UNRECOGNISED', `${path} holds no certificate`, {
      hint: 'give a PEM, DER, PKCS#7, PKCS#12, JKS or Kubernetes Secret file that holds certificates',
    });
  }
  return result.certificates.map((c) => c.der);
}
