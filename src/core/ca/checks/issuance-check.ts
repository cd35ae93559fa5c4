import type { ErrorCode } from '../../error-codes.js';
import type { IssuanceContext, IssuanceRequest } from '../issuance-request.js';

/** Why a request is refused: a code of the catalogue (src/core/error-codes.ts) and a message naming what and why. */
export interface IssuanceRefusal {
  code: ErrorCode;
  message: string;
}

/** One named check of the issuance chain (src/core/ca/check-issuance.ts): a refusal, or nothing when it passes. */
export type IssuanceCheck = (
  request: IssuanceRequest,
  context: IssuanceContext,
) => IssuanceRefusal | undefined;
