/**
 * The dashboard's only way to the server: the HTTP API under /v1, with the session cookie that `/login?code=` set.
 * Errors arrive as problem+json (docs/errors.md) and become ApiError with the stable code.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
  let code = `HTTP_${response.status}`;
  let message = response.statusText;
  try {
    const problem = (await response.json()) as { code?: string; detail?: string };
    code = problem.code ?? code;
    message = problem.detail ?? message;
  } catch {
    // not a problem document: keep the status line
  }
  throw new ApiError(response.status, code, message);
}

export const get = <T>(path: string): Promise<T> => call<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}): Promise<T> => call<T>('POST', path, body);

/** A query string of the given parameters, leaving out the empty ones. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
