/**
 * The built-in CA behind the Issuer port: `issuerRef.name` names an authority of the built-in CA (`default` from
 * `custos ca init`). The CA's use case (src/core/ca/issue-certificate.ts, issue 11) takes an IssuanceRequest and
 * runs its ordered checks, lints and policy; this adapter only maps the managed request onto it. The composition
 * root builds one per authority into the issuer registry (src/compose/managed.ts).
 */
import type { IssuanceRequest } from '../ca/issuance-request.js';
import type { IssuedLookup, Issuer, IssuerResult, RevocationReason } from '../ports/issuer.js';

/** What the adapter needs of the built-in CA (its issue and revoke use cases, bound to their dependencies). */
export interface BuiltInCa {
  issue(request: IssuanceRequest): Promise<{ certificate: { der: Uint8Array }; chain: Uint8Array[] }>;
  revoke(fingerprintSha256: string, reason: RevocationReason): Promise<void>;
  /** The certificate the CA already issued for this key with this request key, if it can tell (crash recovery). */
  findIssued?(requestKey: string, publicKeySpki: Uint8Array): Promise<IssuerResult | null>;
}

/** The provisioner managed certificates issue under (audited by the CA with every issuance). */
export const MANAGED_PROVISIONER = 'managed-certificates';

export function builtInCaIssuer(authority: string, ca: BuiltInCa): Issuer | (Issuer & IssuedLookup) {
  const issuer: Issuer = {
    async issue(request) {
      const issued = await ca.issue({
        authority,
        csr: null,
        publicKeySpki: request.publicKeySpki,
        commonName: request.commonName,
        dnsNames: request.dnsNames,
        ipAddresses: request.ipAddresses,
        uris: request.uris,
        ttlMs: request.ttlMs,
        identity: request.identity,
        provisioner: { name: MANAGED_PROVISIONER, kind: 'cli', claims: { requestKey: request.requestKey } },
      });
      return { certificate: issued.certificate.der, chain: issued.chain };
    },
    revoke: (fingerprintSha256, reason) => ca.revoke(fingerprintSha256, reason),
  };
  const findIssued = ca.findIssued?.bind(ca);
  return findIssued === undefined ? issuer : { ...issuer, findIssued };
}
