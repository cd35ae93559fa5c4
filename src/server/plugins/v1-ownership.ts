/**
 * An explicit owner for one certificate over `/v1` (as `custos owners assign`): it beats every ownership rule and
 * is audited `owner.assigned`. A token bound to an owner may hand over only certificates its owner holds now.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { findCertificateByPrefix } from '../../core/inventory/find-by-prefix.js';
import { assignOwner } from '../../core/ownership/assign-owner.js';
import { auditRefusals, requireCertificateOwner } from '../auth/owner-scope.js';
import { actorOf, principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import type { Deny } from './auth.js';
import { Nullable } from './v1-ca-schemas.js';

export interface V1OwnershipOptions {
  rt: Runtime;
  deny: Deny;
}

const AssignedSchema = Type.Object(
  { fingerprintSha256: Type.String(), owner: Type.String(), previousOwner: Nullable(Type.String()) },
  { title: 'OwnerAssigned', description: 'As `custos owners assign --json` prints it' },
);

export const v1OwnershipPlugin: FastifyPluginAsyncTypebox<V1OwnershipOptions> = async (app, { rt, deny }) => {
  auditRefusals(app, deny);
  app.post(
    '/certificates/:fingerprint/owner',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['owners'],
        summary: 'Assign an owner to one certificate (as `custos owners assign`)',
        description:
          'An assignment beats every ownership rule; the owner must be a declared Owner. A token bound to an owner may assign only certificates its owner holds.',
        params: Type.Object({
          fingerprint: Type.String({
            pattern: '^[0-9A-Fa-f:]{4,95}$',
            description: 'The SHA-256 fingerprint or a unique prefix of at least 4 hex digits',
          }),
        }),
        body: Type.Object({ owner: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        response: {
          200: AssignedSchema,
          403: problemResponse('Not a certificate of the bound owner (CUSTOS_FORBIDDEN)'),
          404: problemResponse('No certificate matches, or no Owner of that name (CUSTOS_NOT_FOUND)'),
          409: problemResponse('The prefix matches several certificates (CUSTOS_AMBIGUOUS_PREFIX)'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.owner !== null) {
        const certificate = await findCertificateByPrefix(rt.store.inventory, request.params.fingerprint);
        await requireCertificateOwner(principal, rt.store.evaluations, certificate.fingerprintSha256);
      }
      return assignOwner(rt, {
        fingerprintPrefix: request.params.fingerprint,
        owner: request.body.owner,
        actor: actorOf(principal),
      });
    },
  );
};
