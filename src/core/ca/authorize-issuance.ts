/**
 * Who may ask the built-in CA for a certificate: turns the credential a caller presents into the ProvisionerGrant
 * an IssuanceRequest carries, or refuses it. The one entry point for `custos cert issue` (an operator, or
 * `--token`), the API (its tokens, bootstrap tokens, OIDC and Kubernetes JWTs) and renewal over mTLS. Every decision,
 * granted or refused, is audited with the provisioner and the claims used (`issuance.authorized`, `issuance.refused`;
 * an API token's grant only by the `certificate.issued` event that names it); never the token itself. A decision whose audit event cannot be written is not given (fail closed).
 */
import { DomainError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { JwksSource } from '../ports/jwks-source.js';
import type { Store } from '../ports/store.js';
import type { ProvisionerGrant } from './issuance-request.js';
import {
  bootstrapTokenId,
  bootstrapTokenSha256,
  looksLikeBootstrapToken,
} from './provisioners/bootstrap-token.js';
import { findProvisioner } from './provisioners/find-provisioner.js';
import { grantForClientCertificate } from './provisioners/mtls-renewal-grant.js';
import type { Provisioner } from './provisioners/provisioner.js';
import { redeemBootstrapToken } from './provisioners/redeem-bootstrap-token.js';
import { verifyProvisionerJwt } from './provisioners/verify-provisioner-jwt.js';

/** What a caller presents. */
export type IssuanceCredential =
  /** A local operator (`custos cert issue` without --token): no provisioner, no limits beyond the CA's. */
  | { kind: 'cli'; user: string }
  /** An API token or dashboard session holding the `issue` scope (the server checked it): `api:tok_...`. */
  | { kind: 'api'; principal: string; owner: string | null }
  /** A one-time token of `custos token bootstrap`. */
  | { kind: 'bootstrap-token'; token: string }
  /** An OIDC ID token or Kubernetes service-account token for the named provisioner. */
  | { kind: 'jwt'; provisioner: string; token: string }
  /** The client certificate chain presented over mutual TLS (DER, leaf first). */
  | { kind: 'mtls'; chain: readonly Uint8Array[] };

export interface AuthorizeIssuanceDependencies {
  store: Store;
  clock: Clock;
  /** The configured provisioners, the default `bootstrap` one included. */
  provisioners: readonly Provisioner[];
  jwks: JwksSource;
  /** The audit actor of the decision: `cli:alice`, `api:...`. */
  actor: string;
}

/** The identity a grant names (a bootstrap token's, a renewed certificate's), or null. */
export function grantedIdentity(grant: ProvisionerGrant): string | null {
  const identity = grant.claims.identity;
  return typeof identity === 'string' && identity !== '' ? identity : null;
}

async function decide(
  deps: AuthorizeIssuanceDependencies,
  credential: IssuanceCredential,
): Promise<ProvisionerGrant> {
  switch (credential.kind) {
    case 'cli':
      return { name: 'cli', kind: 'cli', claims: { user: credential.user } };
    case 'api':
      return {
        name: 'api',
        kind: 'api',
        claims: { principal: credential.principal, owner: credential.owner },
      };
    case 'bootstrap-token':
      return (await redeemBootstrapToken(deps, credential.token)).grant;
    case 'jwt':
      return verifyProvisionerJwt(
        deps,
        findProvisioner(deps.provisioners, credential.provisioner, ['oidc', 'kubernetes']),
        credential.token,
      );
    case 'mtls':
      return grantForClientCertificate(
        { authorities: deps.store.authorities, clock: deps.clock, provisioners: deps.provisioners },
        credential.chain,
      );
  }
}

/** Failures of the store itself: no decision was made, and no audit event could be written either. */
const STORE_FAILURES = new Set<string>([
  'CUSTOS_STORE_FAILED',
  'CUSTOS_STORE_UNAVAILABLE',
  'CUSTOS_AUDIT_WRITE_FAILED',
]);

/** What a refusal records about the credential: never the token, only what names it. */
function refusedDetails(credential: IssuanceCredential): Record<string, unknown> {
  switch (credential.kind) {
    case 'cli':
      return { claims: { user: credential.user } };
    case 'api':
      return { claims: { principal: credential.principal } };
    case 'bootstrap-token':
      return looksLikeBootstrapToken(credential.token)
        ? { token: bootstrapTokenId(bootstrapTokenSha256(credential.token)) }
        : {};
    case 'jwt':
      return { provisioner: credential.provisioner };
    case 'mtls':
      return { certificates: credential.chain.length };
  }
}

const subjectOf = (grant: ProvisionerGrant): string => {
  const identity = grantedIdentity(grant);
  return identity === null ? `provisioner:${grant.name}` : `identity:${identity}`;
};

export async function authorizeIssuance(
  deps: AuthorizeIssuanceDependencies,
  credential: IssuanceCredential,
): Promise<ProvisionerGrant> {
  let grant: ProvisionerGrant;
  try {
    grant = await decide(deps, credential);
  } catch (error) {
    if (error instanceof DomainError && !STORE_FAILURES.has(error.code)) {
      const details = refusedDetails(credential);
      await deps.store.transaction((tx) =>
        tx.appendAudit([
          {
            type: 'issuance.refused',
            actor: deps.actor,
            subject: `credential:${credential.kind}`,
            at: deps.clock.now(),
            data: { kind: credential.kind, ...details, code: error.code, reason: error.message },
          },
        ]),
      );
    }
    throw error;
  }
  // An API token's grant was decided by the server (its issue scope, checked and, when refused, audited there); the
  // certificate.issued event names the token and the grant in the issuance's own transaction, so a separate write per
  // request would add nothing but a serialised commit under load.
  if (credential.kind === 'api') return grant;
  await deps.store.transaction((tx) =>
    tx.appendAudit([
      {
        type: 'issuance.authorized',
        actor: deps.actor,
        subject: subjectOf(grant),
        at: deps.clock.now(),
        data: {
          provisioner: grant.name,
          kind: grant.kind,
          claims: grant.claims,
          ...(grant.limits === undefined ? {} : { limits: grant.limits }),
        },
      },
    ]),
  );
  return grant;
}
