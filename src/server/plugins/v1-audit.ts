/**
 * The audit trail over HTTP: `GET /v1/audit` (records by time, type and subject, a page at a time),
 * `GET /v1/audit/export` (what `custos audit export` writes: JSON lines and a signed checkpoint) and
 * `POST /v1/audit/verify` (what `custos audit verify --json` prints) and `POST /v1/audit/checkpoint` (what
 * `custos audit checkpoint` prints). An owner-bound principal queries the records
 * about its owner's certificates only; export and verify read the whole chain, so they need an unbound one.
 */
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { auditRecordView } from '../../core/audit/audit-record-view.js';
import { exportAuditLines } from '../../core/audit/export-audit.js';
import { parseCheckpoint } from '../../core/audit/read-checkpoint.js';
import { verifyAuditAndState } from '../../core/audit/verify-audit-state.js';
import { checkpointAudit } from '../../core/audit/checkpoint-audit.js';
import { requireUnbound } from '../auth/owner-scope.js';
import { principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';

export interface V1AuditOptions {
  rt: Runtime;
}

const NDJSON = 'application/x-ndjson';
const PEM = 'application/x-pem-file';

const Break = Type.Union([
  Type.Object(
    { kind: Type.String(), seq: Type.Integer(), message: Type.String() },
    { additionalProperties: true },
  ),
  Type.Null(),
]);

export const v1AuditPlugin: FastifyPluginAsyncTypebox<V1AuditOptions> = async (app, { rt }) => {
  app.get(
    '/v1/audit',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit records, oldest first, a page at a time',
        querystring: Type.Object({
          since: Type.Optional(Type.String({ format: 'date-time', description: 'Only records at or after' })),
          type: Type.Optional(
            Type.String({ description: 'Only this type, or types below it (certificate: certificate.*)' }),
          ),
          subject: Type.Optional(
            Type.String({ description: 'Only records about this fingerprint, location or name' }),
          ),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          cursor: Type.Optional(
            Type.String({ pattern: '^[0-9]{1,15}$', description: 'The nextCursor of the previous page' }),
          ),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('AuditRecord')),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const records = await rt.store.audit.query({
        since: q.since === undefined ? undefined : new Date(q.since),
        type: q.type,
        subject: q.subject,
        ownerScope: principalOf(request).owner ?? undefined,
        afterSeq: q.cursor === undefined ? undefined : Number(q.cursor),
        limit: q.limit + 1,
      });
      const page = records.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(auditRecordView),
        nextCursor: records.length > q.limit && last !== undefined ? String(last.seq) : null,
      };
    },
  );

  app.get(
    '/v1/audit/export',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail as `custos audit export` writes it: JSON lines, then a signed checkpoint',
        description:
          'A broken chain is exported without the checkpoint line (verify it with POST /v1/audit/verify).',
        querystring: Type.Object({
          since: Type.Optional(Type.String({ format: 'date-time', description: 'Only records at or after' })),
        }),
        produces: [NDJSON],
        response: {
          200: { description: 'JSON lines', content: { [NDJSON]: { schema: { type: 'string' } } } },
          403: problemResponse('An owner-bound credential (CUSTOS_FORBIDDEN)'),
        },
      },
    },
    async (request, reply) => {
      requireUnbound(principalOf(request), 'export the audit trail');
      const since = request.query.since === undefined ? undefined : new Date(request.query.since);
      const lines = exportAuditLines(rt, {
        since,
        onBreak: (broken) => request.log.error({ seq: broken.seq }, `audit export: ${broken.message}`),
      });
      return reply.type(NDJSON).send(Readable.from(lines));
    },
  );

  app.post(
    '/v1/audit/verify',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['audit'],
        summary: 'Verify the audit chain (as `custos audit verify --json`), optionally held to checkpoints',
        body: Type.Optional(
          Type.Object({
            state: Type.Optional(
              Type.Boolean({ description: 'Also recompute the state from the events and compare (--state)' }),
            ),
            checkpoints: Type.Optional(
              Type.Array(Type.Object({}, { additionalProperties: true }), {
                maxItems: 1000,
                description: 'Checkpoints `custos audit checkpoint` printed',
              }),
            ),
          }),
        ),
        response: {
          200: Type.Object(
            {
              ok: Type.Boolean(),
              records: Type.Integer(),
              break: Break,
              areas: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
            },
            { description: 'ok false names the first break (or, with state, the mismatches)' },
          ),
          422: problemResponse('A checkpoint is malformed (CUSTOS_CHECKPOINT_INVALID)'),
          403: problemResponse('An owner-bound credential (CUSTOS_FORBIDDEN)'),
        },
      },
    },
    async (request) => {
      requireUnbound(principalOf(request), 'verify the audit trail');
      const checkpoints = (request.body?.checkpoints ?? []).map((value, i) => {
        const source = `checkpoints[${i}]`;
        return { source, checkpoint: parseCheckpoint(value, source) };
      });
      return verifyAuditAndState(rt, { checkpoints, state: request.body?.state === true });
    },
  );

  app.post(
    '/v1/audit/checkpoint',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['audit'],
        summary: 'Verify the chain, then sign a checkpoint of its head (as `custos audit checkpoint`)',
        description:
          'The statement {seq, hash, at} signed with the audit key, to be kept outside the database: `audit verify --checkpoint` later proves the history up to it intact. A broken chain is 200 with ok false and the break, and no checkpoint.',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            records: Type.Integer(),
            break: Break,
            checkpoint: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
              description:
                'The signed checkpoint, as `custos audit checkpoint` prints it; null for a broken or empty chain',
            }),
          }),
          403: problemResponse('An owner-bound credential (CUSTOS_FORBIDDEN)'),
        },
      },
    },
    async (request) => {
      requireUnbound(principalOf(request), 'sign a checkpoint of the audit trail');
      return checkpointAudit(rt);
    },
  );

  app.get(
    '/v1/audit/public-key',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['audit'],
        summary:
          'The public key (PEM) checkpoints and exports are signed with (as `custos audit public-key`)',
        produces: [PEM],
        response: {
          200: { description: 'An SPKI public key, PEM', content: { [PEM]: { schema: { type: 'string' } } } },
        },
      },
    },
    async (_request, reply) => reply.type(PEM).send(rt.auditKeys.publicKeyPem),
  );
};
