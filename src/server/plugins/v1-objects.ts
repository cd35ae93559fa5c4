/**
 * Declarative objects over HTTP: `GET /v1/{owners,identities,rules,policies,exceptions}` and `/{name}` answer what
 * `custos get KIND -o json` prints (secrets redacted); `POST /v1/apply` applies documents all-or-nothing with the
 * validation and error codes of `custos apply -f` (a JSON array, or YAML as `application/yaml`);
 * `DELETE /v1/objects/{kind}/{name}` and `POST /v1/delete` delete as `custos delete` does. A principal bound
 * to an owner sees that owner, its identities and rules (and the policies and exceptions everyone shares), and
 * can neither apply nor delete: either could hand it another owner's certificates.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { applyManifests } from '../../core/declarative/apply-manifests.js';
import { getObjects } from '../../core/declarative/get-objects.js';
import { choice } from '../../core/declarative/fields.js';
import { deleteObjects, type ObjectRef } from '../../core/declarative/delete-objects.js';
import { COLLECTION_OF_KIND, KIND_WORDS, kindNamed } from '../../core/declarative/kind-names.js';
import { KINDS, type AnyDeclarativeObject, type Kind } from '../../core/declarative/objects.js';
import { DomainError } from '../../core/errors.js';
import { actorOf, principalOf, type Principal } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import { documentBodyValidator, documentsText } from '../document-body.js';

export interface V1ObjectsOptions {
  rt: Runtime;
}

/** The API's collection of each kind (the names `custos get` takes); managed certificates are under /v1/managed. */
export const COLLECTIONS: Record<string, Kind> = Object.fromEntries(
  KINDS.filter((k) => k !== 'ManagedCertificate').map((k) => [COLLECTION_OF_KIND[k], k]),
);

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** What an owner-bound principal may see of the objects: its Owner, its identities and rules, shared policy. */
function visibleTo(principal: Principal, o: AnyDeclarativeObject): boolean {
  const owner = principal.owner;
  if (owner === null) return true;
  switch (o.kind) {
    case 'Owner':
      return o.metadata.name === owner;
    case 'Identity':
    case 'OwnershipRule':
      return o.spec.owner === owner;
    default:
      return true;
  }
}

/** An owner-bound credential changes no object: a document, or a deletion, could hand it another owner's certificates. */
function refuseOwnerBound(principal: Principal, verb: 'apply' | 'delete'): void {
  if (principal.owner !== null)
    throw new DomainError(
      'CUSTOS_FORBIDDEN',
      `a credential bound to owner "${principal.owner}" cannot ${verb} objects`,
      { hint: `${verb} with a token that is not bound to an owner` },
    );
}

export const DeleteResultSchema = Type.Object({
  objects: Type.Array(
    Type.Object({
      kind: Type.String(),
      name: Type.String(),
      change: Type.String({ description: 'deleted | not-found (with ignoreNotFound)' }),
    }),
  ),
  ownerChanges: Type.Array(Type.Object({}, { additionalProperties: true })),
  decisionChanges: Type.Array(
    Type.Object({}, { additionalProperties: true, description: 'as the audit events policy.decided' }),
  ),
});

const deleteResponses = {
  200: DeleteResultSchema,
  400: problemResponse(
    'An unknown kind, or a ManagedCertificate (use DELETE /v1/managed/{name}) (CUSTOS_USAGE)',
  ),
  403: problemResponse('An owner-bound credential cannot delete objects (CUSTOS_FORBIDDEN)'),
  404: problemResponse('No object of that kind and name (CUSTOS_NOT_FOUND); nothing was deleted'),
  409: problemResponse(
    'Another object that stays still names it (CUSTOS_OBJECT_IN_USE); nothing was deleted',
  ),
};

export const ApplyResultSchema = Type.Object({
  dryRun: Type.Boolean(),
  objects: Type.Array(
    Type.Object({
      kind: Type.String(),
      name: Type.String(),
      change: Type.String({ description: 'created | configured | unchanged' }),
      generation: Type.Integer(),
    }),
  ),
  ownerChanges: Type.Array(Type.Object({}, { additionalProperties: true })),
  warnings: Type.Array(
    Type.Object({
      owner: Type.String(),
      channel: Type.String({ description: 'email | slack | webhook' }),
      contact: Type.String({ description: 'The address, or a URL origin' }),
      message: Type.String(),
    }),
    {
      description:
        'What was applied but will not work as written: an Owner email contact while no SMTP is configured',
    },
  ),
});

export const v1ObjectsPlugin: FastifyPluginAsyncTypebox<V1ObjectsOptions> = async (app, { rt }) => {
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  for (const [collection, kind] of Object.entries(COLLECTIONS)) {
    app.get(
      `/v1/${collection}`,
      {
        config: { scope: 'read' },
        schema: {
          tags: ['objects'],
          summary: `Every ${kind} (as \`custos get ${collection} -o json\`)`,
          response: { 200: Type.Array(Type.Ref(kind)) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        return (await getObjects(rt, { kind })).filter((o) => visibleTo(principal, o));
      },
    );
    app.get(
      `/v1/${collection}/:name`,
      {
        config: { scope: 'read' },
        schema: {
          tags: ['objects'],
          summary: `One ${kind} by name`,
          params: Type.Object({ name: Type.String({ maxLength: 253 }) }),
          response: {
            200: Type.Ref(kind),
            404: problemResponse(`No ${kind} of that name (CUSTOS_NOT_FOUND)`),
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const { name } = request.params;
        const found = (await getObjects(rt, { kind })).find(
          (o) => o.metadata.name === name && visibleTo(principal, o),
        );
        if (found === undefined)
          throw new DomainError('CUSTOS_NOT_FOUND', `no ${kind} named "${name}"`, {
            hint: `GET /v1/${collection} lists them`,
          });
        return found;
      },
    );
  }

  app.post(
    '/v1/apply',
    {
      config: { scope: 'write' },
      validatorCompiler: documentBodyValidator,
      schema: {
        tags: ['objects'],
        summary: 'Apply declarative documents, all or nothing (as `custos apply -f`)',
        description:
          'The body is a JSON array of documents (apiVersion custos/v1, kind, metadata.name, spec; the schema of each kind is its component), or a multi-document YAML file sent as application/yaml. The documents are validated as `custos apply -f` validates a file: if any is invalid nothing is applied and the problem (CUSTOS_MANIFEST_INVALID) names every document, field path and line.',
        consumes: ['application/json', ...YAML_TYPES],
        querystring: Type.Object({
          dryRun: Type.Optional(choice(['true', 'false'], 'true: report what would change, write nothing')),
        }),
        body: Type.Union([
          Type.Array(Type.Union(KINDS.map((k) => Type.Ref(k))), { maxItems: 10_000 }),
          Type.String({ description: 'A multi-document YAML file (application/yaml)' }),
        ]),
        response: {
          200: ApplyResultSchema,
          403: problemResponse('An owner-bound credential cannot apply objects (CUSTOS_FORBIDDEN)'),
          422: problemResponse('A document is invalid (CUSTOS_MANIFEST_INVALID); nothing was applied'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      refuseOwnerBound(principal, 'apply');
      return applyManifests(rt, {
        text: documentsText(request.body),
        fileName: 'request body',
        actor: actorOf(principal),
        dryRun: request.query.dryRun === 'true',
      });
    },
  );

  app.delete(
    '/v1/objects/:kind/:name',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['objects'],
        summary: 'Delete one declarative object (as `custos delete KIND NAME --json`)',
        description: `The kind is singular or plural, any case (${KIND_WORDS}). In one transaction the object is deleted (audited object.deleted) and every certificate evaluated again: owners re-resolved, a deleted policy's decisions retracted, a deleted exception's waivers ended.`,
        params: Type.Object({
          kind: Type.String({ maxLength: 64 }),
          name: Type.String({ maxLength: 253 }),
        }),
        querystring: Type.Object({
          ignoreNotFound: Type.Optional(
            Type.Boolean({ description: 'An object that does not exist is not an error' }),
          ),
        }),
        response: deleteResponses,
      },
    },
    async (request) => {
      const principal = principalOf(request);
      refuseOwnerBound(principal, 'delete');
      return deleteObjects(rt, {
        objects: [{ kind: kindNamed(request.params.kind), name: request.params.name }],
        actor: actorOf(principal),
        ignoreNotFound: request.query.ignoreNotFound === true,
      });
    },
  );

  app.post(
    '/v1/delete',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['objects'],
        summary: 'Delete several declarative objects, all or nothing (as `custos delete -f FILE --json`)',
        body: Type.Object({
          objects: Type.Array(
            Type.Object({ kind: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 253 }) }),
            { minItems: 1, maxItems: 10_000 },
          ),
          ignoreNotFound: Type.Optional(Type.Boolean()),
        }),
        response: deleteResponses,
      },
    },
    async (request) => {
      const principal = principalOf(request);
      refuseOwnerBound(principal, 'delete');
      const objects: ObjectRef[] = request.body.objects.map((o) => ({
        kind: kindNamed(o.kind),
        name: o.name,
      }));
      return deleteObjects(rt, {
        objects,
        actor: actorOf(principal),
        ignoreNotFound: request.body.ignoreNotFound === true,
      });
    },
  );
};
