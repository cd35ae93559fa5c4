/**
 * The inventory over HTTP: `GET /v1/certificates` (filters, sort, keyset cursor pagination; each item as
 * `inventory list --json` prints it), `GET /v1/certificates/{fingerprint}` (the certificate's page: chain,
 * sightings, findings, owner, managed status, audit trail) and `GET /v1/summary` (the dashboard's headline numbers
 * and expiry timeline). An owner-bound principal sees its owner's certificates only.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { parseDuration } from '../../core/duration.js';
import { certificateDetail } from '../../core/inventory/certificate-detail.js';
import { inventorySummary, type InventorySummary } from '../../core/inventory/inventory-summary.js';
import { pageInventory } from '../../core/inventory/page-inventory.js';
import { LOCATION_KINDS } from '../../core/inventory/location.js';
import { INVENTORY_SORTS } from '../../core/ports/inventory-store.js';
import { principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import { CertificateDetailSchema } from './v1-schemas.js';

export interface V1CertificatesOptions {
  rt: Runtime;
}

export const MAX_PAGE = 500;

const ListQuery = Type.Object({
  owner: Type.Optional(Type.String({ description: 'Only certificates of this owner' })),
  finding: Type.Optional(Type.String({ description: 'Only certificates with this finding code' })),
  expiringWithin: Type.Optional(
    Type.String({ description: 'Only certificates expiring within this time (expired ones too), e.g. 30d' }),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 256,
      description: 'Search: text in the subject or a name, a fingerprint prefix, or an owner name',
    }),
  ),
  environment: Type.Optional(
    Type.String({ description: 'Only certificates of identities of this environment' }),
  ),
  locationKind: Type.Optional(Type.Union(LOCATION_KINDS.map((k) => Type.Literal(k)))),
  unowned: Type.Optional(Type.Boolean({ description: 'Only certificates nobody owns' })),
  includeRetired: Type.Optional(
    Type.Boolean({ description: 'Also certificates no longer seen anywhere, with their ended sightings' }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 }),
  sort: Type.Union(
    INVENTORY_SORTS.map((s) => Type.Literal(s)),
    {
      default: 'notAfter',
      description:
        'notAfter (default), subject or owner (unowned first); a leading - reverses it (-notAfter)',
    },
  ),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'The nextCursor of the previous page' })),
});

const Page = Type.Object(
  {
    items: Type.Array(Type.Ref('Certificate')),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }),
  },
  { description: 'One page, in the order asked' },
);

const Summary = Type.Object({
  at: Type.String({ format: 'date-time' }),
  certificates: Type.Integer(),
  expired: Type.Integer(),
  expiringIn7Days: Type.Integer(),
  expiringIn30Days: Type.Integer(),
  unowned: Type.Integer(),
  staleDeployments: Type.Integer(),
  openFindings: Type.Integer(),
  waivedByException: Type.Integer(),
  timeline: Type.Array(
    Type.Object({
      start: Type.String({ format: 'date-time' }),
      total: Type.Integer(),
      byOwner: Type.Record(Type.String(), Type.Integer()),
      bySeverity: Type.Record(Type.String(), Type.Integer()),
    }),
    { description: 'Certificates expiring per week for the next 26 weeks' },
  ),
});

/**
 * A summary is served again while nothing was recorded since (the audit head has not moved: every scan, apply,
 * assignment and deployment appends to it) and it is younger than this: expiry counts move with the clock alone.
 * Dashboards poll it, and at 1,000,000 certificates one aggregation takes ~9 s of SQLite (bench/api-inventory),
 * which a fixed 15-second lifetime repeated for as long as a dashboard stayed open.
 */
const SUMMARY_MAX_AGE_MS = 5 * 60_000;

export const v1CertificatesPlugin: FastifyPluginAsyncTypebox<V1CertificatesOptions> = async (app, { rt }) => {
  // Per owner scope ('' for every owner): the summary being computed or computed last, when, and at which audit head.
  const summaries = new Map<string, { at: number; head: number; summary: Promise<InventorySummary> }>();
  const summaryFor = async (owner: string | null): Promise<InventorySummary> => {
    const key = owner ?? '';
    const now = rt.clock.now().getTime();
    const head = (await rt.store.audit.head())?.seq ?? -1;
    const cached = summaries.get(key);
    if (cached !== undefined && cached.head === head && now - cached.at < SUMMARY_MAX_AGE_MS)
      return cached.summary;
    const summary = inventorySummary(rt, { owner });
    summaries.set(key, { at: now, head, summary });
    // A failed computation is not served again.
    summary.catch(() => {
      if (summaries.get(key)?.summary === summary) summaries.delete(key);
    });
    return summary;
  };

  app.get(
    '/v1/certificates',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['inventory'],
        summary: 'List certificates: filters, sort, cursor pagination (items as `inventory list --json`)',
        querystring: ListQuery,
        response: {
          200: Page,
          400: problemResponse('A filter, the cursor or the limit is invalid (CUSTOS_INVALID_ARGUMENT)'),
        },
      },
    },
    async (request) => {
      const q = request.query;
      return pageInventory(rt, {
        owner: q.owner,
        ownerScope: principalOf(request).owner,
        finding: q.finding,
        expiringWithinMs:
          q.expiringWithin === undefined
            ? undefined
            : parseDuration(q.expiringWithin, 'expiringWithin', { allowZero: true }),
        search: q.q,
        environment: q.environment,
        locationKind: q.locationKind,
        unowned: q.unowned,
        includeRetired: q.includeRetired,
        limit: q.limit,
        sort: q.sort,
        cursor: q.cursor,
      });
    },
  );

  app.get(
    '/v1/certificates/:fingerprint',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['inventory'],
        summary: 'One certificate with its chain, sightings, findings, owner, managed status and audit trail',
        params: Type.Object({
          fingerprint: Type.String({
            pattern: '^[0-9A-Fa-f:]{4,95}$',
            description: 'The SHA-256 fingerprint or a unique prefix of at least 4 hex digits',
          }),
        }),
        response: {
          200: CertificateDetailSchema,
          404: problemResponse('No certificate matches (CUSTOS_NOT_FOUND)'),
          409: problemResponse('The prefix matches several certificates (CUSTOS_AMBIGUOUS_PREFIX)'),
        },
      },
    },
    async (request) =>
      certificateDetail(rt, {
        prefix: request.params.fingerprint,
        ownerScope: principalOf(request).owner,
      }),
  );

  app.get(
    '/v1/summary',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['inventory'],
        summary: "The dashboard's headline numbers and expiry timeline (the caller's owner only, when bound)",
        description: 'Computed at most every 15 seconds per owner scope: `at` says when.',
        response: { 200: Summary },
      },
    },
    async (request) => summaryFor(principalOf(request).owner),
  );
};
