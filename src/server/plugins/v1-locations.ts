/**
 * Locations over `/v1`: `GET /v1/locations` answers what `custos locations list --json` prints, `POST
 * /v1/locations/forget` does what `custos locations forget` does. A location may serve several owners'
 * certificates, so an owner-bound principal may do neither (403).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { forgetLocations } from '../../core/forget-locations.js';
import { LOCATION_KINDS } from '../../core/inventory/location.js';
import { listLocations } from '../../core/list-locations.js';
import { auditRefusals, requireUnbound } from '../auth/owner-scope.js';
import { actorOf, principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import type { Deny } from './auth.js';

export interface V1LocationsOptions {
  rt: Runtime;
  deny: Deny;
}

const nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/** A location as `custos locations list --json` prints it: the fields of its kind, then the listing's. */
const LocationListingSchema = Type.Object(
  {
    kind: Type.Union(LOCATION_KINDS.map((k) => Type.Literal(k))),
    deviceId: Type.Optional(Type.String({ description: 'agent' })),
    path: nullable(Type.String({ description: 'file, agent' })),
    k8sSecret: Type.Optional(
      Type.Object(
        { namespace: Type.String(), name: Type.String() },
        { description: 'file: the Secret a manifest declares' },
      ),
    ),
    host: Type.Optional(Type.String({ description: 'tls' })),
    port: Type.Optional(Type.Integer({ description: 'tls' })),
    sni: nullable(Type.String({ description: 'tls' })),
    address: nullable(Type.String({ description: 'tls: the address probed' })),
    cluster: Type.Optional(Type.String({ description: 'k8s-secret' })),
    namespace: Type.Optional(Type.String({ description: 'k8s-secret' })),
    name: Type.Optional(Type.String({ description: 'k8s-secret' })),
    authority: Type.Optional(Type.String({ description: 'issued: the CA' })),
    identity: nullable(Type.String({ description: 'issued' })),
    locationKey: Type.String({ description: 'The canonical key: what forget takes' }),
    certificates: Type.Integer(),
    keys: Type.Integer(),
    firstSeen: Type.String({ format: 'date-time' }),
    lastSeen: Type.String({ format: 'date-time' }),
    unreachableSince: Type.Optional(Type.String({ format: 'date-time' })),
    failedProbes: Type.Optional(Type.Integer()),
    lastFailure: Type.Optional(Type.String()),
    findings: Type.Array(
      Type.Object({
        fingerprintSha256: Type.String({ description: 'The leaf it served' }),
        code: Type.String(),
        severity: Type.String(),
        message: Type.String(),
        waivedBy: Type.Optional(
          Type.String({ description: 'The exception that waives it for the leaf at this location' }),
        ),
      }),
      { description: 'What was found wrong with what it served at its last answered probe' },
    ),
  },
  { title: 'LocationListing' },
);

const boundRefused = problemResponse(
  'An owner-bound credential: locations hold every owner (CUSTOS_FORBIDDEN)',
);

export const v1LocationsPlugin: FastifyPluginAsyncTypebox<V1LocationsOptions> = async (app, { rt, deny }) => {
  auditRefusals(app, deny);
  app.get(
    '/locations',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['locations'],
        summary: 'The locations something is sighted at now (as `custos locations list --json`)',
        querystring: Type.Object({
          kind: Type.Optional(Type.Union(LOCATION_KINDS.map((k) => Type.Literal(k)))),
          unreachable: Type.Optional(
            Type.Boolean({ description: 'Only TLS locations whose last probes failed' }),
          ),
        }),
        response: { 200: Type.Array(LocationListingSchema), 403: boundRefused },
      },
    },
    async (request) => {
      requireUnbound(principalOf(request), 'list every location');
      const { kind, unreachable } = request.query;
      return listLocations(rt, { kind, unreachable: unreachable === true });
    },
  );

  app.post(
    '/locations/forget',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['locations'],
        summary: 'Forget locations scanned by mistake or taken down (as `custos locations forget --json`)',
        description:
          'Every open sighting there ends (reason forgotten, history kept), the findings about what they served are dropped, each audited. Nothing is forgotten when one selector names no location (404).',
        body: Type.Object(
          {
            locations: Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), {
              minItems: 1,
              maxItems: 1000,
              description: 'Location keys as listed, file paths, or host:port',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Array(Type.Object({ locationKey: Type.String(), ended: Type.Integer() })),
          403: boundRefused,
          404: problemResponse('A selector names no location (CUSTOS_NOT_FOUND)'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      requireUnbound(principal, 'forget locations');
      return forgetLocations(rt, { selectors: request.body.locations, actor: actorOf(principal) });
    },
  );
};
