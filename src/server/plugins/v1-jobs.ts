/** The job queue over `/v1` (admin): what `custos jobs list --json` prints. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Runtime } from '../../compose/runtime.js';
import { jobView } from '../../core/jobs/job-view.js';
import { Nullable } from './v1-ca-schemas.js';

export interface V1JobsOptions {
  rt: Runtime;
}

const JobSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String(),
    status: Type.String({ description: 'queued, running or failed' }),
    attempts: Type.Integer(),
    maxAttempts: Type.Integer(),
    nextRunAt: Nullable(Type.String({ format: 'date-time' })),
    leaseUntil: Nullable(Type.String({ format: 'date-time' })),
    worker: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    dedupKey: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    payload: Type.Unknown(),
  },
  { title: 'Job' },
);

export const v1JobsPlugin: FastifyPluginAsyncTypebox<V1JobsOptions> = async (app, { rt }) => {
  app.get(
    '/jobs',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['jobs'],
        summary: 'The queued, running and failed jobs (as `custos jobs list --json`)',
        response: { 200: Type.Array(JobSchema) },
      },
    },
    async () => (await rt.store.jobs.list()).map(jobView),
  );
};
