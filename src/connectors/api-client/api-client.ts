/**
 * The CLI's side of the HTTP API (`--server URL` / CUSTOS_SERVER): JSON requests with the bearer token
 * (CUSTOS_TOKEN), answers parsed as JSON, and the server's problem documents (application/problem+json) turned back
 * into the DomainError with the same stable code, so a command exits with the same code and message whether it
 * ran on the local store or on a server.
 */
import { DomainError } from '../../core/errors.js';
import { ERROR_CODES, type ErrorCode } from '../../core/error-codes.js';

export type QueryValue = string | number | boolean | undefined;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path under the server's URL, e.g. `/v1/certificates`. */
  path: string;
  query?: Record<string, QueryValue | readonly string[]>;
  /** Sent as JSON, or as it is with `contentType` when a string. */
  body?: unknown;
  contentType?: string;
  /** How long to wait for the answer, when longer than the client's own timeout (a long-running request). */
  timeoutMs?: number;
}

export interface ApiClient {
  /** The server's URL, as given. */
  readonly baseUrl: string;
  /** The answer's JSON (undefined for 204). */
  request<T>(request: ApiRequest): Promise<T>;
  /** The answer's body as text (PEM). */
  text(request: ApiRequest): Promise<string>;
  /** The answer's body as it arrives (exports of any size), in UTF-8 chunks. */
  stream(request: ApiRequest): Promise<AsyncIterable<string>>;
}

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  userAgent: string;
}

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && code in ERROR_CODES;

function urlOf(baseUrl: string, request: ApiRequest): URL {
  const url = new URL(request.path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
  }
  return url;
}

/** A problem document's code and detail as the DomainError the server raised; anything else by its status. */
async function errorOf(response: Response, url: URL): Promise<DomainError> {
  const text = await response.text();
  let problem: { code?: unknown; detail?: unknown; hint?: unknown } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // Not a problem document (a proxy's error page): judged by its status below.
  }
  const detail = typeof problem.detail === 'string' ? problem.detail : `HTTP ${response.status}`;
  const hint = typeof problem.hint === 'string' ? problem.hint : undefined;
  if (isErrorCode(problem.code)) return new DomainError(problem.code, detail, { hint });
  return new DomainError(
    'CUSTOS_SERVER_UNAVAILABLE',
    `${url.origin} answered ${response.status} to ${url.pathname} without a Custos problem document.`,
    { hint: 'Is --server (CUSTOS_SERVER) the URL of a Custos server?' },
  );
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const send = async (request: ApiRequest): Promise<Response> => {
    const url = urlOf(options.baseUrl, request);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': options.userAgent };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      headers['content-type'] = request.contentType ?? 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(request.timeoutMs ?? options.timeoutMs),
      });
    } catch (cause) {
      throw new DomainError('CUSTOS_SERVER_UNAVAILABLE', `Cannot reach the Custos server at ${url.origin}.`, {
        cause,
        hint: 'Check --server (CUSTOS_SERVER), that `custos serve` runs there, and the network in between.',
      });
    }
    if (!response.ok) throw await errorOf(response, url);
    return response;
  };
  return {
    baseUrl: options.baseUrl,
    async request<T>(request: ApiRequest): Promise<T> {
      const response = await send(request);
      if (response.status === 204) return undefined as T;
      return (await response.json()) as T;
    },
    async text(request: ApiRequest): Promise<string> {
      return (await send(request)).text();
    },
    async stream(request: ApiRequest): Promise<AsyncIterable<string>> {
      const response = await send(request);
      if (response.body === null) return (async function* () {})();
      return response.body.pipeThrough(new TextDecoderStream());
    },
  };
}
