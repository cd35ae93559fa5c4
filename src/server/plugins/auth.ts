/**
 * Authentication and authorization of every route (src/server/auth/principal.ts is the contract): a route's
 * `config.scope` says what it needs; `public` needs nothing, and a route that says nothing needs `admin` (deny by
 * default). The credential is a bearer token (`Authorization: Bearer cst_...`) or the dashboard's session cookie.
 * No valid credential: 401 CUSTOS_UNAUTHENTICATED with `WWW-Authenticate: Bearer`; a scope not held: 403
 * CUSTOS_FORBIDDEN. Both are audited (bounded per source, see auth/denial-audit.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../compose/runtime.js';
import { authenticate, Unauthenticated } from '../../core/auth/authenticate.js';
import type { CredentialRecord } from '../../core/ports/credential-store.js';
import type { App } from '../app.js';
import { denialAudit, type Denial } from '../auth/denial-audit.js';
import { actorOf, allows, type Principal } from '../auth/principal.js';
import { problemOf, sendProblem } from '../problem.js';

/** The dashboard's session cookie. */
export const SESSION_COOKIE = 'custos_session';

export interface AuthOptions {
  rt: Pick<Runtime, 'store' | 'clock' | 'logger'>;
}

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** The value of one cookie of the request's Cookie header, or null. */
export function cookieOf(request: FastifyRequest, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export const principalFrom = (record: CredentialRecord): Principal => ({
  id: record.id,
  kind: record.kind === 'session' ? 'session' : 'token',
  name: record.name,
  scopes: record.scopes,
  owner: record.owner,
});

const routeOf = (request: FastifyRequest): string => `${request.method} ${request.routeOptions.url ?? '?'}`;

/** Answers a refused request (401 or 403) as problem+json, audited; the login route refuses a code with it. */
export type Deny = (
  request: FastifyRequest,
  reply: FastifyReply,
  denial: Omit<Denial, 'address' | 'route'> & { hint?: string },
) => Promise<FastifyReply>;

/**
 * Installs the hook on the root instance, so it runs before every route of every plugin registered after it;
 * returns how it refuses a request, for routes that authenticate on their own (the login code).
 */
export async function registerAuth(app: App, { rt }: AuthOptions): Promise<Deny> {
  const audit = denialAudit(rt);
  const flusher = setInterval(() => void audit.flush(), 60_000);
  flusher.unref();
  app.addHook('onClose', async () => {
    clearInterval(flusher);
    await audit.flush(true);
  });
  app.decorateRequest('principal', null);
  // The OpenAPI document says which routes need no credential (the others need a bearer token or the session).
  app.addHook('onRoute', (route) => {
    if (route.config?.scope === 'public') route.schema = { ...route.schema, security: [] };
  });

  const deny: Deny = async (request, reply, { hint: given, ...denial }) => {
    await audit.record({ ...denial, address: request.ip, route: routeOf(request) });
    const code = denial.status === 401 ? 'CUSTOS_UNAUTHENTICATED' : 'CUSTOS_FORBIDDEN';
    const hint =
      given ??
      (denial.status === 401
        ? 'send `Authorization: Bearer <token>` with a token from `custos token create`'
        : `ask an admin for a token with the scope ${denial.scope} (\`custos token create --scopes ${denial.scope}\`)`);
    request.log.info({ code, status: denial.status, credential: denial.credential }, denial.reason);
    if (denial.status === 401 && request.routeOptions.config.scope !== 'public')
      reply.header('www-authenticate', 'Bearer realm="custos"');
    return sendProblem(reply, problemOf(code, denial.reason, { hint, requestId: String(request.id) }));
  };

  app.addHook('onRequest', async (request, reply) => {
    // No route matched: the not-found handler answers 404, and there is nothing to guard.
    if (request.is404) return;
    const scope = request.routeOptions.config.scope ?? 'admin';
    if (scope === 'public') return;
    const secret = bearerOf(request) ?? cookieOf(request, SESSION_COOKIE);
    const anonymous = { actor: `anonymous:${request.ip}`, credential: null, scope };
    if (secret === null || secret === '')
      return deny(request, reply, {
        ...anonymous,
        status: 401,
        reason: 'The request carries no credential.',
      });
    let record: CredentialRecord;
    try {
      record = await authenticate(rt, secret);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      const known = error.credential;
      return deny(request, reply, {
        status: 401,
        scope,
        reason: error.message,
        ...(known === null
          ? { actor: anonymous.actor, credential: null }
          : { actor: actorOf(principalFrom(known)), credential: known.id }),
      });
    }
    const principal = principalFrom(record);
    if (!allows(principal, scope))
      return deny(request, reply, {
        status: 403,
        actor: actorOf(principal),
        credential: principal.id,
        scope,
        reason: `The credential ${principal.id} holds ${principal.scopes.join(', ')}; this request needs ${scope}.`,
      });
    request.principal = principal;
    return undefined;
  });
  return deny;
}
