import { readContainer } from '../pki/formats/read-container.js';
import { DomainError } from './errors.js';

/** The certificates (DER) of a PEM text sent over the API, in text order; CUSTOS_INVALID_ARGUMENT when it holds none. */
export function pemCertificates(pem: string, what: string): Uint8Array[] {
  const read = readContainer(new TextEncoder().encode(pem), { passwords: [] });
  if (read.certificates.length === 0)
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${what}: holds no PEM certificate`);
  return read.certificates.map((c) => c.der);
}
