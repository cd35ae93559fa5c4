/**
 * Notifications over `/v1`: `GET /v1/notifications` answers what `custos notify log --json` prints (an owner-bound
 * principal sees its owner's deliveries only); `POST /v1/notifications/run` does what `custos notify run` does, on
 * the server with its notifiers (admin, not bound to an owner: it sends to every owner).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { deliveryView, runSummaryView } from '../../core/notify/delivery-view.js';
import { inventoryNoticeSources } from '../../core/notify/inventory-notice-sources.js';
import { runNotifications } from '../../core/notify/run-notifications.js';
import { auditRefusals, requireUnbound, seesOwner } from '../auth/owner-scope.js';
import { actorOf, principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import type { Deny } from './auth.js';
import { Nullable } from './v1-ca-schemas.js';

export interface V1NotifyOptions {
  rt: Runtime;
  deny: Deny;
}

const DeliverySchema = Type.Object(
  {
    notice: Type.String(),
    subject: Type.String(),
    reason: Type.String(),
    level: Type.Integer({ description: 'The escalation level: 0 the owner, 1 and up the escalation path' }),
    owner: Type.String(),
    channel: Type.String(),
    contact: Type.String({ description: 'An address, or a URL origin: never a secret' }),
    status: Type.Union([Type.Literal('sent'), Type.Literal('failed')]),
    attempts: Type.Integer(),
    lastError: Nullable(Type.String()),
    firstAttemptAt: Type.String({ format: 'date-time' }),
    lastAttemptAt: Type.String({ format: 'date-time' }),
    sentAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { title: 'Delivery', description: 'As `custos notify log --json` prints it' },
);

export const v1NotifyPlugin: FastifyPluginAsyncTypebox<V1NotifyOptions> = async (app, { rt, deny }) => {
  auditRefusals(app, deny);
  app.get(
    '/notifications',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['notifications'],
        summary: 'Every delivery of every notice and its result (as `custos notify log --json`)',
        response: { 200: Type.Array(DeliverySchema) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const views = (await rt.store.notifications.deliveries()).map(deliveryView);
      return views.filter((v) => seesOwner(principal, v.owner));
    },
  );

  app.post(
    '/notifications/run',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['notifications'],
        summary: 'Send the notices due now (as `custos notify run --json`)',
        description:
          "Expiry at the tightest threshold crossed, expired certificates, new findings, expiring exceptions and escalations, through the server's notifiers; each notice once per contact, also when runs overlap.",
        body: Type.Object(
          {
            thresholds: Type.Optional(
              Type.Array(Type.Integer({ minimum: 1, maximum: 99_999 }), {
                minItems: 1,
                maxItems: 100,
                description: 'Days before notAfter at which expiry notices go (default 30,14,7,3,1)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            due: Type.Integer(),
            deferred: Type.Integer(),
            sent: Type.Integer(),
            failed: Type.Integer(),
            escalations: Type.Integer(),
            deliveries: Type.Array(DeliverySchema),
          }),
          403: problemResponse('An owner-bound credential: the run sends to every owner (CUSTOS_FORBIDDEN)'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      requireUnbound(principal, 'send the notices of every owner');
      const summary = await runNotifications(
        { ...rt, sources: inventoryNoticeSources(rt.store) },
        {
          actor: actorOf(principal),
          worker: rt.worker,
          ...(request.body.thresholds === undefined ? {} : { thresholdsDays: request.body.thresholds }),
        },
      );
      return runSummaryView(summary);
    },
  );
};
