/**
 * Credentials over HTTP: API tokens for admins (`POST /v1/tokens`, `GET /v1/tokens`, `DELETE /v1/tokens/{id}`, as
 * `custos token create|list|revoke`), dashboard login codes (`POST /v1/login-codes`, as `custos token login-code`), who a request is (`GET /v1/me`, which the dashboard reads), and the dashboard's
 * sign-in: `GET /login?code=` redeems a one-time login code for a session cookie, `POST /logout` ends the session.
 * A principal bound to an owner manages only tokens bound to that owner.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../../compose/runtime.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../core/auth/api-tokens.js';
import { Unauthenticated } from '../../core/auth/authenticate.js';
import {
  createLoginCode,
  endSession,
  loginUrl,
  redeemLoginCode,
  SESSION_TTL_MS,
} from '../../core/auth/dashboard-login.js';
import { SCOPES } from '../../core/auth/scopes.js';
import { tokenView, type TokenView } from '../../core/auth/token-view.js';
import { parseDuration } from '../../core/duration.js';
import { DomainError } from '../../core/errors.js';
import { actorOf, principalOf, type Principal } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import { SESSION_COOKIE, type Deny } from './auth.js';

export interface TokensOptions {
  rt: Pick<Runtime, 'store' | 'clock' | 'secureRandom' | 'actor' | 'config'>;
  deny: Deny;
}

const ScopeSchema = Type.Union(
  SCOPES.map((s) => Type.Literal(s)),
  { description: 'read, write, issue or admin' },
);

const TokenSchema = Type.Object(
  {
    id: Type.String({ description: 'The public id, e.g. tok_3f2a9c01' }),
    name: Type.String(),
    scopes: Type.Array(ScopeSchema),
    owner: Type.Union([Type.String(), Type.Null()], {
      description: 'The owner it is bound to; null: every owner',
    }),
    state: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String({ description: 'The audit actor that made it' }),
    expiresAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When it last authenticated a request (to the minute)',
    }),
  },
  { $id: 'Token', title: 'Token', description: 'An API token, without its secret' },
);
const tokenRef = Type.Unsafe<TokenView>(Type.Ref('Token'));

const CreateBody = Type.Object(
  {
    scopes: Type.Array(ScopeSchema, { minItems: 1, uniqueItems: true }),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ttl: Type.Optional(Type.String({ description: 'How long it is valid: 30d, 12h; default 90d' })),
  },
  { additionalProperties: false },
);

const PrincipalSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal('token'), Type.Literal('session')]),
    name: Type.String(),
    scopes: Type.Array(ScopeSchema),
    owner: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'Who the request is' },
);

const unauthenticated = problemResponse('No valid credential (CUSTOS_UNAUTHENTICATED)');
const forbidden = problemResponse('The credential lacks the scope (CUSTOS_FORBIDDEN)');

/** An owner-bound principal makes tokens for its own owner only (never an unbound one). */
function ownerFor(principal: Principal, asked: string | undefined): string | undefined {
  if (principal.owner === null) return asked;
  if (asked !== undefined && asked !== principal.owner)
    throw new DomainError(
      'CUSTOS_FORBIDDEN',
      `The credential ${principal.id} is bound to the owner ${principal.owner}; it cannot make tokens for ${asked}.`,
    );
  return principal.owner;
}

const visibleTo = (principal: Principal, owner: string | null): boolean =>
  principal.owner === null || principal.owner === owner;

const cookie = (request: FastifyRequest, value: string, maxAgeSeconds: number): string =>
  `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}` +
  (request.protocol === 'https' ? '; Secure' : '');

export const tokensPlugin: FastifyPluginAsyncTypebox<TokensOptions> = async (app, { rt, deny }) => {
  app.addSchema(TokenSchema);
  const as = (request: FastifyRequest) => ({ ...rt, actor: actorOf(principalOf(request)) });

  app.post(
    '/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'Make an API token; its secret is in this answer only',
        body: CreateBody,
        response: {
          201: Type.Object({ token: Type.String({ description: 'The secret: shown once' }), info: tokenRef }),
          400: problemResponse('Not a valid token request (CUSTOS_INVALID_ARGUMENT)'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request, reply) => {
      const { scopes, name, ttl } = request.body;
      const owner = ownerFor(principalOf(request), request.body.owner);
      const created = await createApiToken(as(request), {
        scopes,
        ...(owner === undefined ? {} : { owner }),
        ...(name === undefined ? {} : { name }),
        ...(ttl === undefined ? {} : { ttlMs: parseDuration(ttl, 'ttl') }),
      });
      return reply.code(201).send({ token: created.token, info: tokenView(created.record, rt.clock.now()) });
    },
  );

  app.get(
    '/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'The API tokens, revoked and expired ones included, by creation time (never their secrets)',
        response: { 200: Type.Object({ items: Type.Array(tokenRef) }), 401: unauthenticated, 403: forbidden },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const now = rt.clock.now();
      const tokens = await listApiTokens(rt);
      return { items: tokens.filter((t) => visibleTo(principal, t.owner)).map((t) => tokenView(t, now)) };
    },
  );

  app.delete(
    '/v1/tokens/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token: it authenticates nothing from now on',
        params: Type.Object({ id: Type.String({ pattern: '^tok_[0-9a-f]{8}$' }) }),
        response: {
          200: tokenRef,
          401: unauthenticated,
          403: forbidden,
          404: problemResponse('No token of that id (CUSTOS_NOT_FOUND)'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const existing = await rt.store.credentials.get(request.params.id);
      if (existing !== null && !visibleTo(principal, existing.owner))
        throw new DomainError('CUSTOS_NOT_FOUND', `No API token has the id "${request.params.id}".`);
      return tokenView(await revokeApiToken(as(request), request.params.id), rt.clock.now());
    },
  );

  app.get(
    '/v1/me',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['auth'],
        summary: 'Who the request is: the credential, its scopes and owner',
        response: { 200: PrincipalSchema, 401: unauthenticated },
      },
    },
    (request) => {
      const principal = principalOf(request);
      return { ...principal, scopes: [...principal.scopes] };
    },
  );

  app.post(
    '/v1/login-codes',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'A one-time dashboard login code (as `custos token login-code`): works once, for 15 minutes',
        description:
          "The session it opens holds the requesting credential's scopes and owner. `url` is at the server's server.baseUrl.",
        response: {
          201: Type.Object({
            code: Type.String({ description: 'The one-time code: shown once' }),
            url: Type.String({ description: 'The sign-in URL: /login?code=' }),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const code = await createLoginCode(as(request), { scopes: principal.scopes, owner: principal.owner });
      return reply.code(201).send({
        code: code.secret,
        url: loginUrl(rt.config.server.baseUrl, code.secret),
        expiresAt: code.record.expiresAt.toISOString(),
      });
    },
  );

  app.get(
    '/login',
    {
      config: { scope: 'public' },
      // The URL carries the one-time code: the request line is not logged (the audit records the sign-in).
      logLevel: 'warn',
      schema: {
        tags: ['auth'],
        summary:
          'Redeem a one-time login code (printed by `custos serve`) for a session cookie, then go to /',
        querystring: Type.Object({ code: Type.String() }),
        response: {
          303: { description: 'Signed in: the session cookie is set' },
          401: problemResponse('Unknown, used or expired code (CUSTOS_UNAUTHENTICATED)'),
        },
      },
    },
    async (request, reply) => {
      try {
        const session = await redeemLoginCode(
          { ...rt, actor: `anonymous:${request.ip}` },
          request.query.code,
        );
        return reply
          .header('set-cookie', cookie(request, session.secret, SESSION_TTL_MS / 1000))
          .header('cache-control', 'no-store')
          .redirect('/', 303);
      } catch (error) {
        if (!(error instanceof Unauthenticated)) throw error;
        return deny(request, reply, {
          status: 401,
          actor: `anonymous:${request.ip}`,
          credential: error.credential?.id ?? null,
          scope: 'public',
          reason: error.message,
          hint: 'a login code works once, for 15 minutes: restart `custos serve` or run `custos token login-code` for a new one',
        });
      }
    },
  );

  app.post(
    '/logout',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['auth'],
        summary: "End the dashboard's session (its cookie authenticates nothing after)",
        response: { 204: Type.Null({ description: 'Signed out' }), 401: unauthenticated },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind === 'session') await endSession(as(request), principal.id);
      return reply
        .code(204)
        .header('set-cookie', cookie(request, '', 0))
        .send(null);
    },
  );
};
