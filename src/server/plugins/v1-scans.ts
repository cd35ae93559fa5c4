/**
 * Scans over `/v1`: `POST /v1/scans` checks the request (the same checks and codes as `custos scan files|tls`) and
 * queues it as a durable `scan.run` job (202); the server's background work (or another server's, when this one
 * runs with `--no-workers`) scans, so a scan survives a restart. `GET /v1/scans/{id}` shows its progress and, once
 * done, its results: what `custos scan files --json` or `custos scan tls --json` prints.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { DomainError } from '../../core/errors.js';
import type { ScanRecord } from '../../core/ports/scan-store.js';
import { API_MAX_ENDPOINTS, startScan, type ScanRequest } from '../../core/scan/start-scan.js';
import { actorOf, principalOf, type Principal } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import { Nullable } from './v1-ca-schemas.js';

export interface V1ScansOptions {
  rt: Runtime;
}

const Targets = Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { minItems: 1, maxItems: 1000 });

const ScanBody = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('files'),
        targets: Type.Unsafe<string[]>({
          ...Targets,
          description: 'Files and directories on the server host, scanned recursively',
        }),
      },
      { additionalProperties: false, title: 'FilesScanRequest' },
    ),
    Type.Object(
      {
        kind: Type.Literal('tls'),
        targets: Type.Unsafe<string[]>({
          ...Targets,
          description: 'Host names, IP addresses, host:port, [IPv6]:port, CIDR ranges',
        }),
        ports: Type.Optional(
          Type.String({ description: 'Ports for targets that name none: 443,8443 or 8000-8010' }),
        ),
        sni: Type.Optional(
          Type.Array(Type.String(), { maxItems: 100, description: 'SNI names, each its own location' }),
        ),
        trust: Type.Optional(
          Type.Array(Type.String({ maxLength: 256 * 1024 }), {
            maxItems: 100,
            description: 'PEM certificates trusted besides the system roots',
          }),
        ),
        starttls: Type.Optional(Type.Union([Type.Literal('smtp'), Type.Literal('postgres')])),
        expiringSoon: Type.Optional(
          Type.String({ description: 'Window of the expiring-soon finding (default 30d)' }),
        ),
        maxEndpoints: Type.Optional(Type.Integer({ minimum: 1, maximum: API_MAX_ENDPOINTS })),
      },
      { additionalProperties: false, title: 'TlsScanRequest' },
    ),
  ],
  { title: 'ScanRequest' },
);

const Progress = Type.Object({
  done: Type.Integer({ description: 'Files read, or endpoints done' }),
  total: Nullable(Type.Integer({ description: 'Endpoints planned (TLS); null for files until done' })),
  certificates: Type.Integer(),
});

const scanFields = {
  id: Type.String(),
  kind: Type.String({ description: 'files or tls' }),
  status: Type.String({ description: 'queued, running, succeeded or failed' }),
  progress: Progress,
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
};

const ScanSummary = Type.Object(scanFields, { title: 'ScanSummary' });
const Scan = Type.Object(
  {
    ...scanFields,
    request: Type.Unknown({ description: 'The request as accepted' }),
    result: Type.Unknown({
      description:
        'Once succeeded: what `custos scan files --json` or `custos scan tls --json` prints; else null',
    }),
  },
  { title: 'Scan' },
);

const summaryOf = (scan: ScanRecord) => ({
  id: scan.id,
  kind: scan.kind,
  status: scan.status,
  progress: scan.progress,
  error: scan.error,
  createdBy: scan.createdBy,
  createdAt: scan.createdAt.toISOString(),
  startedAt: scan.startedAt?.toISOString() ?? null,
  finishedAt: scan.finishedAt?.toISOString() ?? null,
});

/** A bound principal sees the scans it started only (their results hold every owner's certificates). */
const sees = (principal: Principal, scan: ScanRecord): boolean =>
  principal.owner === null || scan.createdBy === actorOf(principal);

export const v1ScansPlugin: FastifyPluginAsyncTypebox<V1ScansOptions> = async (app, { rt }) => {
  app.post(
    '/scans',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['scans'],
        summary: 'Start a scan of files or TLS endpoints; it runs as a durable job',
        body: ScanBody,
        response: {
          202: ScanSummary,
          400: problemResponse('A target, port, SNI name or trust certificate is not valid'),
          422: problemResponse('A range or the whole scan is too large (CUSTOS_SCAN_RANGE_TOO_LARGE)'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const scan = await startScan({ ...rt, actor: actorOf(principal) }, request.body as ScanRequest);
      return reply.code(202).header('location', `/v1/scans/${scan.id}`).send(summaryOf(scan));
    },
  );

  app.get(
    '/scans',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['scans'],
        summary: 'The most recent scans, newest first',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(ScanSummary) }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const scans = await rt.store.scans.recent(request.query.limit ?? 50);
      return { items: scans.filter((s) => sees(principal, s)).map(summaryOf) };
    },
  );

  app.get(
    '/scans/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['scans'],
        summary: "A scan's progress and, once done, its results",
        params: Type.Object({ id: Type.String({ pattern: '^scn_[0-9a-f]{16}$' }) }),
        response: { 200: Scan, 404: problemResponse('No scan of that id (CUSTOS_NOT_FOUND)') },
      },
    },
    async (request) => {
      const scan = await rt.store.scans.get(request.params.id);
      if (scan === null || !sees(principalOf(request), scan))
        throw new DomainError('CUSTOS_NOT_FOUND', `No scan has the id ${request.params.id}.`, {
          hint: '`GET /v1/scans` lists the recent ones',
        });
      return { ...summaryOf(scan), request: scan.request, result: scan.result };
    },
  );
};
