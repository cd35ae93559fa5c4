import { DomainError } from '../core/errors.js';

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const STORE_HINT = 'Check that the database is reachable and has room, then retry; the log holds the cause.';

/** A driver failure while `doing` something, as the DomainError users see (the driver error kept as cause). */
export function storeFailed(doing: string, cause: unknown): DomainError {
  return new DomainError(
    'CUSTOS_STORE_FAILED',
    `The database failed while ${doing}; nothing of it was written.`,
    {
      cause,
      hint: STORE_HINT,
    },
  );
}

export function auditWriteFailed(cause: unknown): DomainError {
  return new DomainError(
    'CUSTOS_AUDIT_WRITE_FAILED',
    'The audit events could not be written, so the change they record was not made.',
    { cause, hint: STORE_HINT },
  );
}

/** Runs a read, turning a driver failure into CUSTOS_STORE_FAILED. */
export async function reading<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeFailed(doing, error);
  }
}
