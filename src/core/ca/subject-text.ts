import type { DistinguishedName } from '../../pki/x509/generate/distinguished-name.js';
import { parseDistinguishedName } from '../../pki/x509/generate/distinguished-name-text.js';
import { DomainError } from '../errors.js';

/** A subject given as text ("CN=Example Issuing CA, O=Example"), or undefined; CUSTOS_INVALID_ARGUMENT names `what`. */
export function subjectText(text: string | undefined, what: string): DistinguishedName | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDistinguishedName(text);
  } catch (error) {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${what}: ${(error as Error).message}`);
  }
}
