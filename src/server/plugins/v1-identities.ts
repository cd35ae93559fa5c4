/**
 * Identities over `/v1`: the lifecycle events orchestrators send (`created` declares the Identity as `custos apply -f`
 * would, `destroyed` tears it down as `custos identities destroy NAME` does) and the destroy action itself. A token
 * bound to an owner acts on that owner's identities only.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { managedDependencies } from '../../compose/managed.js';
import type { Runtime } from '../../compose/runtime.js';
import { applyManifests } from '../../core/declarative/apply-manifests.js';
import { destroyIdentity } from '../../core/managed/destroy-identity.js';
import { auditRefusals, identityOwner, requireIdentityOwner, requireScope } from '../auth/owner-scope.js';
import { actorOf, principalOf, type Principal } from '../auth/principal.js';
import { DomainError } from '../../core/errors.js';
import { problemResponse } from '../problem.js';
import type { Deny } from './auth.js';
import { DeletedSchema } from './v1-managed-schemas.js';
import { ApplyResultSchema } from './v1-objects.js';

export interface V1IdentitiesOptions {
  rt: Runtime;
  deny: Deny;
}

const Name = Type.Object({ name: Type.String({ pattern: '^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$' }) });

const DestroyedSchema = Type.Object(
  {
    identity: Type.String(),
    managed: Type.Array(DeletedSchema),
    revoked: Type.Array(Type.String(), { description: 'Fingerprints revoked (cessationOfOperation)' }),
    stillServed: Type.Array(
      Type.Object({
        managed: Type.String(),
        host: Type.String(),
        port: Type.Integer(),
        sni: Type.Union([Type.String(), Type.Null()]),
        revision: Type.Integer(),
        servedFingerprint: Type.String(),
      }),
    ),
  },
  { title: 'IdentityDestroyed', description: 'As `custos identities destroy NAME --json` prints it' },
);

const EventSchema = Type.Union(
  [
    Type.Object(
      {
        type: Type.Literal('created'),
        spec: Type.Object(
          { owner: Type.String() },
          { additionalProperties: true, description: 'The Identity spec (kind, owner, environment, ...)' },
        ),
      },
      { additionalProperties: false },
    ),
    Type.Object({ type: Type.Literal('destroyed') }, { additionalProperties: false }),
  ],
  { title: 'IdentityEvent' },
);

const forbidden = problemResponse(
  'Not an identity of the bound owner, or a scope is missing (CUSTOS_FORBIDDEN)',
);
const notFound = problemResponse('No Identity of that name (CUSTOS_NOT_FOUND)');

export const v1IdentitiesPlugin: FastifyPluginAsyncTypebox<V1IdentitiesOptions> = async (
  app,
  { rt, deny },
) => {
  auditRefusals(app, deny);

  const destroy = async (principal: Principal, name: string) => {
    await requireIdentityOwner(principal, rt.store.objects, name);
    return destroyIdentity(await managedDependencies({ ...rt, actor: actorOf(principal) }), name);
  };

  app.post(
    '/identities/:name/destroy',
    {
      config: { scope: 'issue' },
      schema: {
        tags: ['identities'],
        summary: 'Tear an identity down (as `custos identities destroy NAME --json`)',
        description:
          'Every managed certificate of the identity is deleted with revocation (cessationOfOperation), its files removed and its endpoints probed; every other certificate the built-in CA issued for it is revoked; the Identity is deleted. `stillServed` names endpoints that still serve one of its certificates.',
        params: Name,
        response: { 200: DestroyedSchema, 403: forbidden, 404: notFound },
      },
    },
    async (request) => destroy(principalOf(request), request.params.name),
  );

  app.post(
    '/identities/:name/events',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['identities'],
        summary: 'An identity lifecycle event from an orchestrator: created or destroyed',
        description:
          '`{"type":"created","spec":{...}}` declares (or changes) the Identity as `custos apply -f` would (201 created, 200 configured or unchanged); `{"type":"destroyed"}` tears it down as `POST /v1/identities/{name}/destroy` does, and needs the issue scope too.',
        params: Name,
        body: EventSchema,
        response: {
          200: Type.Union([ApplyResultSchema, DestroyedSchema]),
          201: ApplyResultSchema,
          403: forbidden,
          404: notFound,
          422: problemResponse('The Identity spec is not valid (CUSTOS_MANIFEST_INVALID)'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const event = request.body;
      if (event.type === 'destroyed') {
        requireScope(principal, 'issue');
        return destroy(principal, request.params.name);
      }
      const current = await identityOwner(rt.store.objects, request.params.name);
      if (
        principal.owner !== null &&
        (event.spec.owner !== principal.owner || (current !== null && current !== principal.owner))
      )
        throw new DomainError(
          'CUSTOS_FORBIDDEN',
          `This credential acts for owner ${principal.owner} only: the identity must be owned by it.`,
          { hint: 'use a token of that owner, or one bound to no owner' },
        );
      const document = {
        apiVersion: 'custos/v1',
        kind: 'Identity',
        metadata: { name: request.params.name },
        spec: event.spec,
      };
      const result = await applyManifests(rt, {
        // JSON is YAML: the Identity goes through the very parser and checks of `custos apply -f`.
        text: JSON.stringify(document),
        fileName: 'request body',
        actor: actorOf(principal),
      });
      const created = result.objects.some((o) => o.change === 'created');
      return reply.code(created ? 201 : 200).send(result);
    },
  );
};
