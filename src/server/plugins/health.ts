/**
 * Liveness and readiness, as orchestrators probe them: `/healthz` answers while the process runs (restart it when
 * not); `/readyz` answers only while the store is reachable (send it no traffic when not).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { DomainError } from '../../core/errors.js';
import { problemResponse } from '../problem.js';

export interface HealthOptions {
  rt: Pick<Runtime, 'store'>;
}

const Status = Type.Object({ status: Type.String() }, { description: 'Up' });

export const healthPlugin: FastifyPluginAsyncTypebox<HealthOptions> = async (app, { rt }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up and serving',
        response: { 200: Status },
      },
      logLevel: 'warn',
      config: { scope: 'public' },
    },
    () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the store answers a query',
        response: {
          200: Status,
          503: problemResponse('The store does not answer (CUSTOS_STORE_UNAVAILABLE)'),
        },
      },
      logLevel: 'warn',
      config: { scope: 'public' },
    },
    async () => {
      try {
        // One indexed single-row read through the audit port: cheap on SQLite and PostgreSQL alike.
        await rt.store.audit.head();
      } catch (cause) {
        throw new DomainError('CUSTOS_STORE_UNAVAILABLE', 'The store does not answer.', { cause });
      }
      return { status: 'ready' };
    },
  );
};
