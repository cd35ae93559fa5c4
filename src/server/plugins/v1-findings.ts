/**
 * Findings over HTTP: `GET /v1/findings` answers what `custos findings --json` prints; `POST /v1/findings/ack`
 * does what `custos ack` does. An owner-bound principal sees and acknowledges its owner's certificates only.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { parseDuration } from '../../core/duration.js';
import { DEFAULT_EXPIRING_WITHIN_DAYS } from '../../core/findings/certificate-findings.js';
import { listFindings } from '../../core/findings/list-findings.js';
import { certificateInScope } from '../../core/inventory/certificate-detail.js';
import { acknowledgeCertificate } from '../../core/notify/acknowledge-certificate.js';
import { actorOf, principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';

export interface V1FindingsOptions {
  rt: Runtime;
}

const FindingRow = Type.Object(
  {
    fingerprintSha256: Type.String(),
    subject: Type.String(),
    code: Type.String(),
    severity: Type.String(),
    message: Type.String(),
    waivedBy: Type.Optional(Type.String()),
    locations: Type.Array(Type.Ref('Location')),
  },
  { description: 'One certificate and finding, as `custos findings --json` prints it' },
);

export const v1FindingsPlugin: FastifyPluginAsyncTypebox<V1FindingsOptions> = async (app, { rt }) => {
  app.get(
    '/v1/findings',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['findings'],
        summary: 'Every finding of the certificates installed now, worst first (as `custos findings --json`)',
        querystring: Type.Object({
          finding: Type.Optional(Type.String({ description: 'Only this finding code' })),
          expiringSoon: Type.Optional(
            Type.String({ description: 'The window of the expiring-soon finding (default 30d)' }),
          ),
        }),
        response: {
          200: Type.Array(FindingRow),
          400: problemResponse('expiringSoon is not a duration (CUSTOS_INVALID_ARGUMENT)'),
        },
      },
    },
    async (request) => {
      const { finding, expiringSoon } = request.query;
      const report = await listFindings(rt, {
        finding,
        owner: principalOf(request).owner ?? undefined,
        expiringSoonDays:
          expiringSoon === undefined
            ? DEFAULT_EXPIRING_WITHIN_DAYS
            : parseDuration(expiringSoon, 'expiringSoon', { allowZero: true }) / 86_400_000,
      });
      return report.rows;
    },
  );

  app.post(
    '/v1/findings/ack',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['findings'],
        summary: "Acknowledge a certificate's notices: they escalate no further (as `custos ack`)",
        body: Type.Object({
          fingerprint: Type.String({
            description: 'The fingerprint or a unique prefix (at least 4 hex digits)',
          }),
          by: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'Who takes it in hand (default: the token)',
            }),
          ),
        }),
        response: {
          200: Type.Object({
            fingerprintSha256: Type.String(),
            subject: Type.String(),
            by: Type.String(),
            at: Type.String({ format: 'date-time' }),
          }),
          400: problemResponse('Not a fingerprint prefix (CUSTOS_INVALID_ARGUMENT)'),
          404: problemResponse('No certificate matches (CUSTOS_NOT_FOUND)'),
          409: problemResponse('The prefix matches several certificates (CUSTOS_AMBIGUOUS_PREFIX)'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await certificateInScope(rt, { prefix: request.body.fingerprint, ownerScope: principal.owner });
      const ack = await acknowledgeCertificate(rt, {
        fingerprintPrefix: request.body.fingerprint,
        by: request.body.by ?? principal.name,
        actor: actorOf(principal),
      });
      return {
        fingerprintSha256: ack.fingerprintSha256,
        subject: ack.subject,
        by: ack.by,
        at: ack.at.toISOString(),
      };
    },
  );
};
