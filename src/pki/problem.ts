/**
 * pki is the innermost layer and cannot import core's DomainError, so it reports bad input as a
 * `PkiProblem` value (or throws `PkiFormatError` from deep inside a parser). Every code here is also in the
 * catalogue (src/core/error-codes.ts), which core uses to turn a problem into a DomainError.
 */
export const PKI_PROBLEM_CODES = [
  'CUSTOS_FILE_EMPTY',
  'CUSTOS_FILE_TRUNCATED',
  'CUSTOS_FILE_UNRECOGNISED',
  'CUSTOS_FILE_MALFORMED',
  'CUSTOS_PKCS12_PASSWORD_UNKNOWN',
  'CUSTOS_PKCS12_UNSUPPORTED',
  'CUSTOS_DER_MALFORMED',
  'CUSTOS_KEY_ENCRYPTED',
  'CUSTOS_PKI_PARAMETER_INVALID',
  'CUSTOS_FILE_WORK_EXCEEDED',
] as const;

export type PkiProblemCode = (typeof PKI_PROBLEM_CODES)[number];

export interface PkiProblem {
  code: PkiProblemCode;
  message: string;
}

export class PkiFormatError extends Error {
  constructor(
    readonly code: PkiProblemCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PkiFormatError';
  }
}

/** Throws CUSTOS_PKI_PARAMETER_INVALID: a generator was asked for something that makes no valid structure. */
export function invalidParameter(message: string): never {
  throw new PkiFormatError('CUSTOS_PKI_PARAMETER_INVALID', message);
}
