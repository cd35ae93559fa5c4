import type { ErrorCode } from './error-codes.js';

/**
 * The one error class of Custos: a stable `code` from the catalogue (error-codes.ts), a public `message` a user
 * can act on, an optional `hint` (what to do about it) and an internal `cause` that is logged, never shown.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.hint = options.hint;
  }
}
