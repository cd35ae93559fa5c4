/**
 * What a request log line says of the request: method, URL, host and peer, never a header (the Authorization
 * header's token, the session cookie) and never the value of a query parameter that carries a secret (the dashboard's
 * one-time `?code=`, a token some client sends as `?access_token=`). Installed as the `req` serializer of the app's
 * logger, so it holds for every line that logs a request, whatever the route's log level.
 */
import type { FastifyRequest } from 'fastify';
import { redactedQuery } from '../core/redaction.js';

/** Query parameters whose values are secrets, by lower-case name. */
const SECRET_PARAMETERS = new Set(['code', 'token', 'access_token', 'secret', 'password', 'key']);

/** The URL with the values of secret query parameters replaced by the one marker, `(redacted)`. */
export function redactedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const secret = (key: string): boolean => SECRET_PARAMETERS.has(key.toLowerCase());
  if (![...params.keys()].some(secret)) return url;
  return `${url.slice(0, q)}${redactedQuery(params, secret)}`;
}

export function requestLogFields(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}
