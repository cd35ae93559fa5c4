/**
 * Errors at the HTTP edge as RFC 9457 problem details (`application/problem+json`): the stable code from the
 * catalogue (src/core/error-codes.ts) with its `http` status, the catalogue's summary as `title` and the error's
 * public message as `detail`. A DomainError's cause is logged with the request, never sent; anything that is not a
 * DomainError is CUSTOS_INTERNAL (500) with a detail that says only where to look (DESIGN.md habit 8).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { App } from './app.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.js';
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem document every error response carries; `$ref: 'Problem#'` in route schemas. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'urn:custos:error:CODE, one per code of docs/errors.md' }),
    title: Type.String({ description: "The code's summary from docs/errors.md" }),
    status: Type.Integer({ description: 'The HTTP status' }),
    detail: Type.String({ description: 'What went wrong with this request' }),
    code: Type.String({ description: 'The stable error code, e.g. CUSTOS_CA_NOT_FOUND' }),
    hint: Type.Optional(Type.String({ description: 'What to do about it' })),
    requestId: Type.Optional(Type.String({ description: 'The request id, as the server log records it' })),
  },
  { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details' },
);

export type Problem = Static<typeof ProblemSchema>;

/** A reference to the shared problem schema. */
export const problemRef = Type.Unsafe<Problem>(Type.Ref('Problem'));

/** A route's error response (`response: { 404: problemResponse('No CA of that name') }`), typed problem+json. */
export const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemRef } },
});

/** The problem document of a code with this detail (and the status the catalogue maps the code to, unless given). */
export function problemOf(
  code: ErrorCode,
  detail: string,
  options: { status?: number; hint?: string; requestId?: string } = {},
): Problem {
  const info = ERROR_CODES[code];
  return {
    type: `urn:custos:error:${code}`,
    title: info.summary,
    status: options.status ?? info.http,
    detail,
    code,
    ...(options.hint === undefined ? {} : { hint: options.hint }),
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
  };
}

/** Fastify's own client errors (bad JSON, wrong content type, body too large, schema validation) keep their status. */
function isFastifyClientError(error: unknown): error is FastifyError & { statusCode: number } {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** The problem an error becomes, and how loudly it is logged. */
export function problemFor(error: unknown, requestId: string): { problem: Problem; level: 'info' | 'error' } {
  if (error instanceof DomainError) {
    const problem = problemOf(error.code, error.message, { hint: error.hint, requestId });
    return { problem, level: problem.status >= 500 ? 'error' : 'info' };
  }
  if (isFastifyClientError(error)) {
    const validation = (error as FastifyError).validation !== undefined;
    const code: ErrorCode = error.statusCode === 404 ? 'CUSTOS_NOT_FOUND' : 'CUSTOS_INVALID_ARGUMENT';
    const detail = validation ? `request ${error.message}` : error.message;
    return { problem: problemOf(code, detail, { status: error.statusCode, requestId }), level: 'info' };
  }
  const problem = problemOf(
    'CUSTOS_INTERNAL',
    'An unexpected internal error; the server log holds the cause.',
    {
      requestId,
    },
  );
  return { problem, level: 'error' };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** Installs the shared schema, the error handler and the not-found handler on the root instance. */
export function installProblems(app: App): void {
  app.addSchema(ProblemSchema);
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { problem, level } = problemFor(error, String(request.id));
    const cause = error instanceof DomainError ? error.cause : error;
    // The log keeps what the client never sees: the internal cause and its stack.
    request.log[level](
      { code: problem.code, status: problem.status, ...(cause === undefined ? {} : { err: cause }) },
      problem.detail,
    );
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemOf('CUSTOS_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`, {
        requestId: String(request.id),
      }),
    ),
  );
}
