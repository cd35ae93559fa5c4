/**
 * The checks a request passes before the built-in CA assembles a certificate, in a fixed order (step-ca's sign
 * options, DESIGN habit 6): the request's own signature, then what the key is, then who may ask for what. Each
 * check is a small named function returning a refusal or nothing; the first refusal stops issuance with its code.
 */
import { DomainError } from '../errors.js';
import type { ErrorCode } from '../error-codes.js';
import type { IssuanceContext, IssuanceRequest } from './issuance-request.js';

export interface IssuanceRefusal {
  code: ErrorCode;
  message: string;
}

export type IssuanceCheck = (
  request: IssuanceRequest,
  context: IssuanceContext,
) => IssuanceRefusal | undefined;

/** RFC 2986 §3: the request is signed with the key it carries (proof of possession). */
const csrSignature: IssuanceCheck = (request) =>
  request.csr !== null && !request.csr.signatureValid
    ? { code: 'CUSTOS_CSR_SIGNATURE_INVALID', message: 'the CSR signature does not verify with its own key' }
    : undefined;

/** Every check, in the order they run. */
export const ISSUANCE_CHECKS: readonly IssuanceCheck[] = [csrSignature];

/** Throws the first refusal as a DomainError with its code. */
export function checkIssuance(request: IssuanceRequest, context: IssuanceContext): void {
  for (const check of ISSUANCE_CHECKS) {
    const refusal = check(request, context);
    if (refusal !== undefined) throw new DomainError(refusal.code, refusal.message);
  }
}
