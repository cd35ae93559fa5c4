/**
 * The exceptions with their state over `/v1` (as `custos exceptions list --json`): active, expiring (within 14 days)
 * or expired. Exceptions are shared by every owner, as `GET /v1/exceptions` shows them to any token.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { exceptionSpec } from '../../core/declarative/kinds/exception.js';
import { listExceptions } from '../../core/exceptions/list-exceptions.js';

export interface V1ExceptionsOptions {
  rt: Runtime;
}

const ExceptionListingSchema = Type.Object(
  {
    name: Type.String(),
    state: Type.Union([Type.Literal('active'), Type.Literal('expiring'), Type.Literal('expired')], {
      description: 'expiring: within 14 days; expired: it waives nothing any more',
    }),
    ...exceptionSpec.properties,
  },
  { title: 'ExceptionListing', description: "The exception's spec with its state now" },
);

export const v1ExceptionsPlugin: FastifyPluginAsyncTypebox<V1ExceptionsOptions> = async (app, { rt }) => {
  app.get(
    '/exception-states',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['exceptions'],
        summary: 'The exceptions with their state now (as `custos exceptions list --json`)',
        response: { 200: Type.Array(ExceptionListingSchema) },
      },
    },
    async () => listExceptions(rt),
  );
};
