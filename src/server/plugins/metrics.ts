/**
 * `GET /metrics`: the Prometheus exposition (text format 0.0.4) of docs/metrics.md — the inventory in
 * x509-certificate-exporter's names, TLS endpoints in blackbox_exporter's, managed certificates in cert-manager's,
 * findings and the lifecycle counters. It needs a token with the `read` scope unless `metrics.public` opens it to
 * scrapers without one. A token bound to an owner (which sees that owner's certificates only) gets that owner's
 * certificates, TLS endpoints, findings and managed certificates, without the counters of the whole estate
 * (docs/metrics.md, "A token bound to an owner").
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import type { MetricsCollector } from '../../core/metrics/metrics-collector.js';
import { problemResponse } from '../problem.js';

export interface MetricsOptions {
  rt: Pick<Runtime, 'config'>;
  metrics: MetricsCollector;
}

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

export const metricsPlugin: FastifyPluginAsyncTypebox<MetricsOptions> = async (app, { rt, metrics }) => {
  app.get(
    '/metrics',
    {
      config: { scope: rt.config.metrics.public ? 'public' : 'read' },
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (text exposition format 0.0.4)',
        description:
          "Needs a token with the read scope, unless metrics.public is set. A token bound to an owner gets that owner's series only. The families are listed in docs/metrics.md.",
        response: {
          200: {
            description: 'The exposition',
            content: { 'text/plain': { schema: Type.String() } },
          },
          401: problemResponse('No valid credential (CUSTOS_UNAUTHENTICATED)'),
          403: problemResponse('The token lacks the read scope (CUSTOS_FORBIDDEN)'),
        },
      },
      logLevel: 'warn',
    },
    async (request, reply) =>
      reply.type(EXPOSITION).send(await metrics.scrape(request.principal?.owner ?? null)),
  );
};
