/**
 * Scans over `/v1`: `POST /v1/scans` checks the request (the same checks and codes as `custos scan files|tls`) and
 * queues it as a durable `scan.run` job (202); the server's background work (or another server's, when this one
 * runs with `--no-workers`) scans, so a scan survives a restart. `GET /v1/scans/{id}` shows its progress and, once
 * done, its results: what `custos scan files --json` or `custos scan tls --json` prints.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { scanProfileDependencies } from '../../compose/scan-profiles.js';
import { profilePorts } from '../../core/scan/scan-profiles.js';
import { DomainError } from '../../core/errors.js';
import type { ScanRecord } from '../../core/ports/scan-store.js';
import { API_MAX_ENDPOINTS, startScan, type ScanRequest } from '../../core/scan/start-scan.js';
import { requireUnbound } from '../auth/owner-scope.js';
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
    Type.Object(
      {
        kind: Type.Literal('profile'),
        profile: Type.String({
          minLength: 1,
          maxLength: 63,
          description:
            "A scan profile of the server's configuration (scan.profiles), resolved and its passwords read from the server's environment when the scan runs",
        }),
      },
      { additionalProperties: false, title: 'ProfileScanRequest' },
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
  kind: Type.String({ description: 'files, tls or profile' }),
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
        'Once succeeded: what `custos scan files --json` or `custos scan tls --json` prints, or for a profile its entry of `custos scan --json` ({name, tls?, files?}); else null',
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
        summary:
          'Start a scan of files, TLS endpoints or a configured scan profile; it runs as a durable job',
        body: ScanBody,
        response: {
          202: ScanSummary,
          400: problemResponse(
            "A target, port, SNI name or trust certificate is not valid, or a profile's password variable is not set",
          ),
          404: problemResponse('No scan profile of that name (CUSTOS_NOT_FOUND)'),
          422: problemResponse('A range or the whole scan is too large (CUSTOS_SCAN_RANGE_TOO_LARGE)'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { profiles, passwords } = scanProfileDependencies(rt);
      const scan = await startScan(
        { ...rt, profiles, passwords, actor: actorOf(principal) },
        request.body as ScanRequest,
      );
      return reply.code(202).header('location', `/v1/scans/${scan.id}`).send(summaryOf(scan));
    },
  );

  app.get(
    '/scan-profiles',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['scans'],
        summary: "The scan profiles of the server's configuration (what `custos scan` runs with --server)",
        description:
          'Not for a token bound to an owner (403): the profiles name server paths and internal targets.',
        response: {
          403: problemResponse('A token bound to an owner (CUSTOS_FORBIDDEN)'),
          200: Type.Object({
            items: Type.Array(
              Type.Object(
                {
                  name: Type.String(),
                  targets: Type.Array(Type.String()),
                  ports: Type.String(),
                  sni: Type.Array(Type.String()),
                  starttls: Nullable(Type.String()),
                  trust: Type.Array(Type.String({ description: 'Files on the server host' })),
                  paths: Type.Array(Type.String({ description: 'Files and directories on the server host' })),
                  passwordsFromEnv: Type.Array(
                    Type.String({ description: "A variable's name; its value is never sent" }),
                  ),
                },
                { title: 'ScanProfile' },
              ),
            ),
          }),
        },
      },
    },
    async (request) => {
      // Server paths, internal targets and variable names reach beyond one owner.
      requireUnbound(principalOf(request), 'list the scan profiles of the server');
      return {
        items: (rt.config.scan.profiles ?? []).map((p) => ({
          name: p.name,
          targets: p.targets ?? [],
          ports: profilePorts(p),
          sni: p.sni ?? [],
          starttls: p.starttls ?? null,
          trust: p.trust ?? [],
          paths: p.paths ?? [],
          passwordsFromEnv: p.passwordsFromEnv ?? [],
        })),
      };
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
