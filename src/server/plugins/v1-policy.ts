/**
 * `POST /v1/policies/test`: what `custos policy test FILE --certificate CERT --json` prints — the policies of a YAML
 * text evaluated against one certificate with the server's owners, identities and rules, storing nothing. A token
 * bound to an owner may judge a certificate as one of its own identities only.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { testPolicies } from '../../core/policy/test-policies.js';
import { auditRefusals, requireIdentityOwner } from '../auth/owner-scope.js';
import { principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import type { Deny } from './auth.js';
import { Nullable } from './v1-ca-schemas.js';

export interface V1PolicyOptions {
  rt: Runtime;
  deny: Deny;
}

const PolicyTestBody = Type.Object(
  {
    policies: Type.String({
      maxLength: 1024 * 1024,
      description: 'YAML: Policy documents, optionally owners, identities and rules',
    }),
    fileName: Type.String({ default: 'policies.yaml', maxLength: 4096, description: 'Named in problems' }),
    certificate: Type.String({ maxLength: 256 * 1024, description: 'The certificate to judge, PEM' }),
    certificateName: Type.String({
      default: 'certificate',
      maxLength: 4096,
      description: 'Named in problems',
    }),
    identity: Type.Optional(
      Type.String({ description: 'Judge it as this identity (in the text or stored)' }),
    ),
  },
  { additionalProperties: false },
);

const PolicyTestSchema = Type.Object(
  {
    fingerprintSha256: Type.String(),
    subject: Type.String(),
    owner: Nullable(Type.String()),
    identity: Nullable(Type.String()),
    decisions: Type.Array(
      Type.Object({
        policy: Type.String(),
        code: Type.String(),
        severity: Type.String(),
        validation: Type.Integer(),
        expression: Type.String(),
        outcome: Type.String({ description: 'pass, fail or error' }),
        reason: Type.String(),
      }),
    ),
  },
  { title: 'PolicyTest', description: 'As `custos policy test --json` prints it' },
);

export const v1PolicyPlugin: FastifyPluginAsyncTypebox<V1PolicyOptions> = async (app, { rt, deny }) => {
  auditRefusals(app, deny);
  app.post(
    '/policies/test',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['policies'],
        summary:
          'Evaluate policies against one certificate, storing nothing (as `custos policy test --json`)',
        body: PolicyTestBody,
        response: {
          200: PolicyTestSchema,
          403: problemResponse('Not an identity of the bound owner (CUSTOS_FORBIDDEN)'),
          422: problemResponse('The documents or the certificate are not valid'),
        },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.identity !== undefined)
        await requireIdentityOwner(principalOf(request), rt.store.objects, body.identity);
      return testPolicies(rt, {
        text: body.policies,
        fileName: body.fileName,
        certificate: new TextEncoder().encode(body.certificate),
        certificateName: body.certificateName,
        ...(body.identity === undefined ? {} : { identity: body.identity }),
      });
    },
  );
};
