/**
 * `GET /v1/inventory`: the inventory judged at a moment, as `custos inventory list --json [--at T] [--expiring-soon
 * D]` prints it — an auditor's question ("what was installed, expired or expiring at T, and who owned it?") that the
 * pages of `GET /v1/certificates` (the stored evaluation of now) do not answer. The whole list in one answer (or the
 * first `limit` in the order of `sort`). An owner-bound principal sees its owner's certificates only.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { parseDuration } from '../../core/duration.js';
import { listInventory } from '../../core/list-inventory.js';
import { INVENTORY_SORTS } from '../../core/ports/inventory-store.js';
import { principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';

export interface V1InventoryOptions {
  rt: Runtime;
}

const DAY_MS = 86_400_000;

export const v1InventoryPlugin: FastifyPluginAsyncTypebox<V1InventoryOptions> = async (app, { rt }) => {
  app.get(
    '/inventory',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['inventory'],
        summary:
          'The inventory judged at a moment (as `custos inventory list --json --at T --expiring-soon D`)',
        querystring: Type.Object({
          at: Type.Optional(
            Type.String({ format: 'date-time', description: 'The moment judged (default now)' }),
          ),
          expiringSoon: Type.String({
            default: '30d',
            description: 'The window of the expiring-soon finding',
          }),
          owner: Type.Optional(Type.String({ description: 'Only certificates of this owner (then)' })),
          unowned: Type.Optional(Type.Boolean({ description: 'Only certificates nobody owned (then)' })),
          finding: Type.Optional(Type.String({ description: 'Only certificates with this finding (then)' })),
          expiringWithin: Type.Optional(
            Type.String({
              description: 'Only certificates expiring within this time of the moment (expired too)',
            }),
          ),
          includeRetired: Type.Optional(
            Type.Boolean({ description: 'Also certificates seen nowhere any more' }),
          ),
          sort: Type.Optional(
            Type.Union(
              INVENTORY_SORTS.map((s) => Type.Literal(s)),
              { description: 'The order (default notAfter; a leading - reverses it)' },
            ),
          ),
          limit: Type.Optional(
            Type.Integer({ minimum: 1, description: 'At most this many, the first in the order of sort' }),
          ),
        }),
        response: {
          200: Type.Array(Type.Ref('Certificate')),
          400: problemResponse('A duration or the moment is invalid (CUSTOS_INVALID_ARGUMENT)'),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const bound = principalOf(request).owner;
      // A bound principal asking for another owner's (or nobody's) certificates is answered with none of them.
      if (bound !== null && ((q.owner !== undefined && q.owner !== bound) || q.unowned === true)) return [];
      return listInventory(rt, {
        at: q.at === undefined ? undefined : new Date(q.at),
        expiringSoonDays: parseDuration(q.expiringSoon, 'expiringSoon', { allowZero: true }) / DAY_MS,
        owner: bound ?? q.owner,
        unowned: q.unowned === true,
        finding: q.finding,
        expiringWithinMs:
          q.expiringWithin === undefined
            ? undefined
            : parseDuration(q.expiringWithin, 'expiringWithin', { allowZero: true }),
        includeRetired: q.includeRetired === true,
        sort: q.sort,
        limit: q.limit,
      });
    },
  );
};
