/**
 * The checks a request passes before the built-in CA assembles a certificate, in a fixed order (step-ca's sign
 * options, DESIGN habit 6): the request's own signature, then what the key is, then what the request names and
 * whether its provisioner may ask for it, then the issuance policies. Each check is a small named function
 * (one file each in ./checks/, citing its source) returning a refusal or nothing; the first refusal stops issuance
 * with its code. The pre-issuance lint of the assembled certificate comes after these, in the CA.
 */
import { sameBytes } from '../../pki/asn1/tlv.js';
import { DomainError } from '../errors.js';
import { notTheCaKey } from './checks/ca-own-key.js';
import { notDebianWeakKey } from './checks/debian-weak-key.js';
import { notFermatFactorable } from './checks/fermat-factor.js';
import { issuancePoliciesAllow } from './checks/issuance-policies.js';
import { keyTypeAllowed } from './checks/key-type.js';
import {
  provisionerKeyTypeAllowed,
  provisionerNamesAllowed,
  provisionerTtlAllowed,
} from './checks/provisioner-limits.js';
import { requestWellFormed } from './checks/request-shape.js';
import { notRocaVulnerable } from './checks/roca.js';
import type { IssuanceCheck, IssuanceRefusal } from './checks/issuance-check.js';
import { rsaExponentSane } from './checks/rsa-exponent.js';
import { noSmallFactors } from './checks/small-factors.js';
import type { IssuanceContext, IssuanceRequest } from './issuance-request.js';

export type { IssuanceCheck, IssuanceRefusal };

/** RFC 2986 §3: the request is signed with the key it carries (proof of possession). */
export const csrSignature: IssuanceCheck = (request) =>
  request.csr !== null && !request.csr.signatureValid
    ? { code: 'CUSTOS_CSR_SIGNATURE_INVALID', message: 'the CSR signature does not verify with its own key' }
    : undefined;

/**
 * The key judged is the key the CSR carries (so the checks below judge the key whose possession was proven, and a
 * CSR's key, loaded when its signature was verified, need not be loaded again).
 */
export const csrKey: IssuanceCheck = (request) =>
  request.csr !== null && !sameBytes(request.csr.publicKeySpki, request.publicKeySpki)
    ? { code: 'CUSTOS_ISSUANCE_REQUEST_INVALID', message: "publicKeySpki: not the CSR's public key" }
    : undefined;

/** Every check, in the order they run, by name (the name shows in tests and traces). */
export const NAMED_ISSUANCE_CHECKS: readonly (readonly [name: string, check: IssuanceCheck])[] = [
  // the request
  ['csr-signature', csrSignature],
  ['csr-key', csrKey],
  // the key
  ['key-type', keyTypeAllowed],
  ['rsa-exponent', rsaExponentSane],
  ['ca-own-key', notTheCaKey],
  ['debian-weak-key', notDebianWeakKey],
  ['small-factors', noSmallFactors],
  ['fermat-factor', notFermatFactorable],
  ['roca', notRocaVulnerable],
  // the names, and who may ask for what
  ['request-shape', requestWellFormed],
  ['provisioner-names', provisionerNamesAllowed],
  ['provisioner-key-type', provisionerKeyTypeAllowed],
  ['provisioner-ttl', provisionerTtlAllowed],
  // the issuance policies
  ['issuance-policies', issuancePoliciesAllow],
];

/** Every check, in the order they run. */
export const ISSUANCE_CHECKS: readonly IssuanceCheck[] = NAMED_ISSUANCE_CHECKS.map(([, check]) => check);

/** Throws the first refusal as a DomainError with its code. */
export function checkIssuance(request: IssuanceRequest, context: IssuanceContext): void {
  for (const check of ISSUANCE_CHECKS) {
    const refusal = check(request, context);
    if (refusal !== undefined) throw new DomainError(refusal.code, refusal.message);
  }
}
