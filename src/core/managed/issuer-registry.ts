import { DomainError } from '../errors.js';
import type { IssuedLookup, Issuer, IssuerRegistry } from '../ports/issuer.js';

/** Whether an issuer can find what it already issued for a request key (crash recovery without a second issuance). */
export function canLookUpIssued(issuer: Issuer): issuer is Issuer & IssuedLookup {
  return typeof (issuer as Partial<IssuedLookup>).findIssued === 'function';
}

/** The issuer `issuerRef.name` names; CUSTOS_MANAGED_ISSUER_NOT_FOUND when the registry has none by that name. */
export function issuerNamed(registry: IssuerRegistry, name: string): Issuer {
  const issuer = registry.get(name);
  if (issuer === undefined) {
    const known = [...registry.keys()];
    throw new DomainError('CUSTOS_MANAGED_ISSUER_NOT_FOUND', `No issuer is named "${name}".`, {
      hint:
        known.length === 0
          ? 'No issuer is configured: `custos ca init` creates the built-in CA named "default".'
          : `Name one of: ${known.join(', ')}.`,
    });
  }
  return issuer;
}
