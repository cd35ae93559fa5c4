import { DomainError } from '../../core/errors.js';
import { readContainer } from '../../pki/formats/read-container.js';
import { readUserFile } from '../files/read-user-file.js';

/**
 * The certificates of one file, in file order, whatever its format (PEM bundle, DER, PKCS#7, PKCS#12 with an
 * empty or given password, JKS, Kubernetes Secret). A file that cannot be read, holds a broken entry, or holds
 * no certificate is a DomainError with the code of the first problem (CLI exit 2): a chain or trust store that
 * is half read would give a verdict on something else than what the user gave.
 */
export async function readCertificateFile(
  path: string,
  passwords: readonly string[] = [],
  what = 'certificate file',
): Promise<Uint8Array[]> {
  const bytes = await readUserFile(path, { what });
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
