/**
 * Who a request to the server acts as, and what it may do. The auth plugin (plugins/auth.ts) sets
 * `request.principal` from a bearer token (`Authorization: Bearer ...`, made by `custos token create`) or from the
 * dashboard's session cookie, before any route of `/v1` runs; a route states the scope it needs in its
 * `config.scope`. A principal bound to an owner sees and acts on that owner's certificates only.
 */
import type { FastifyRequest } from 'fastify';
import type { Scope } from '../../core/auth/scopes.js';

/** The scopes of API tokens (core/auth/scopes.ts): `read` lists and shows, `write` changes objects and starts scans,
 * `issue` issues and revokes certificates, `admin` does all of it and manages tokens. */
export { SCOPES, type Scope } from '../../core/auth/scopes.js';

export interface Principal {
  /** The credential's public id (e.g. `tok_3f2a9c01`), as the audit trail names it. */
  id: string;
  kind: 'token' | 'session';
  /** The token's name, or `dashboard` for a session. */
  name: string;
  scopes: readonly Scope[];
  /** The owner the credential is bound to; null: every owner. */
  owner: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; `public` (health probes, CRLs, OCSP, the login page): no credential at all. */
    scope?: Scope | 'public';
  }
  interface FastifyRequest {
    /** Set by the auth plugin on every route that is not public; null only on public routes. */
    principal: Principal | null;
  }
}

/** `admin` holds every scope; `write` and `issue` hold `read`. */
export function allows(principal: Pick<Principal, 'scopes'>, scope: Scope): boolean {
  return principal.scopes.some(
    (held) =>
      held === scope || held === 'admin' || (scope === 'read' && (held === 'write' || held === 'issue')),
  );
}

/** The principal of a non-public route (the auth plugin guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null)
    throw new Error('route reached without a principal: is its config.scope public?');
  return request.principal;
}

/** The audit actor of a request: `api:<token id>` or `dashboard:<session id>`. */
export const actorOf = (principal: Principal): string =>
  `${principal.kind === 'token' ? 'api' : 'dashboard'}:${principal.id}`;
