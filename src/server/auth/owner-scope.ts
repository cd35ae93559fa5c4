/**
 * What an owner-bound principal (a token made with `--owner TEAM`) may act on: certificates, identities and managed
 * certificates of its owner only. Anything else is 403 CUSTOS_FORBIDDEN, the same answer whether or not the object
 * exists, so a bound token learns nothing of other owners' objects.
 */
import type { ObjectsReader } from '../../core/ports/objects-store.js';
import type { EvaluationReader } from '../../core/ports/evaluation-store.js';
import { DomainError } from '../../core/errors.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import type { Deny } from '../plugins/auth.js';
import { actorOf, allows, type Principal, type Scope } from './principal.js';

const forbidden = (principal: Principal, what: string): DomainError =>
  new DomainError('CUSTOS_FORBIDDEN', `This credential acts for owner ${principal.owner} only: ${what}.`, {
    hint: 'use a token of that owner, or one bound to no owner',
  });

/** The owner of an Identity object, or null when there is none of that name. */
export async function identityOwner(objects: ObjectsReader, identity: string): Promise<string | null> {
  const found = (await objects.list('Identity')).find((s) => s.object.metadata.name === identity);
  return found?.object.spec.owner ?? null;
}

/** Refuses a bound principal an identity that is not its owner's (or no identity at all). */
export async function requireIdentityOwner(
  principal: Principal,
  objects: ObjectsReader,
  identity: string | null,
): Promise<void> {
  if (principal.owner === null) return;
  if (identity === null) throw forbidden(principal, 'name an identity of that owner');
  if ((await identityOwner(objects, identity)) !== principal.owner)
    throw forbidden(principal, `identity ${identity} is not one of its identities`);
}

/**
 * For a bound principal, a failed lookup of a certificate it named (none of that serial, an ambiguous one, an unknown
 * CA) becomes the refusal another owner's certificate gets, so the answer tells nothing of what exists.
 */
export function hideFromBound(principal: Principal, error: unknown, named: string): unknown {
  return principal.owner !== null && error instanceof DomainError
    ? forbidden(principal, `certificate ${named} is not its owner's`)
    : error;
}

/** Refuses a bound principal a certificate whose evaluated owner is not its owner. */
export async function requireCertificateOwner(
  principal: Principal,
  evaluations: EvaluationReader,
  fingerprintSha256: string,
): Promise<void> {
  if (principal.owner === null) return;
  const owner = (await evaluations.evaluationsOf([fingerprintSha256])).get(fingerprintSha256)?.owner ?? null;
  if (owner !== principal.owner)
    throw forbidden(principal, `certificate ${fingerprintSha256} is not its owner's`);
}

/** Refuses a bound principal what reaches beyond its owner (the whole audit chain, every location, the CAs). */
export function requireUnbound(principal: Principal, what: string): void {
  if (principal.owner !== null)
    throw new DomainError(
      'CUSTOS_FORBIDDEN',
      `a credential bound to owner "${principal.owner}" cannot ${what}: it reaches beyond that owner`,
      { hint: 'use a token that is not bound to an owner' },
    );
}

/** Whether a bound principal may see this owner's objects (always, for an unbound one). */
export const seesOwner = (principal: Principal, owner: string | null): boolean =>
  principal.owner === null || owner === principal.owner;

/** Refuses a principal a further scope a route needs for one option (e.g. `revoke=true` needs `issue`). */
export function requireScope(principal: Principal, scope: Scope): void {
  if (!allows(principal, scope))
    throw new DomainError(
      'CUSTOS_FORBIDDEN',
      `This needs the scope ${scope}, which the credential does not hold.`,
      {
        hint: `ask an admin for a token with the scope ${scope}`,
      },
    );
}

/**
 * Refusals of this plugin's routes (CUSTOS_FORBIDDEN: an owner binding, a further scope) are answered and audited as
 * the auth plugin's own refusals are; every other error goes on to the app's error handler.
 */
export function auditRefusals(app: App, deny: Deny): void {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (!(error instanceof DomainError) || error.code !== 'CUSTOS_FORBIDDEN' || request.principal === null)
      throw error;
    const principal = request.principal;
    return deny(request, reply, {
      status: 403,
      actor: actorOf(principal),
      credential: principal.id,
      scope: request.routeOptions.config.scope ?? 'admin',
      reason: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    });
  });
}
