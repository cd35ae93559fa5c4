import { DomainError } from '../errors.js';
import type { RevocationReason } from '../ports/authority-store.js';

/** The reasons as `--reason` and the API spell them (RFC 5280 §5.3.1 names; `caCompromise` is cACompromise). */
export const REASON_NAMES: Readonly<Record<string, RevocationReason>> = {
  unspecified: 'unspecified',
  keyCompromise: 'keyCompromise',
  caCompromise: 'cACompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
  privilegeWithdrawn: 'privilegeWithdrawn',
};

/** A reason by its name; CUSTOS_INVALID_ARGUMENT for another text. */
export function parseRevocationReason(text: string, what: string): RevocationReason {
  const reason = Object.hasOwn(REASON_NAMES, text) ? REASON_NAMES[text] : undefined;
  if (reason === undefined)
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${what}: "${text}" is not a revocation reason.`, {
      hint: `Use one of ${Object.keys(REASON_NAMES).join(', ')}.`,
    });
  return reason;
}
