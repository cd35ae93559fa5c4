import type { DeliveryOutcome } from '../../core/ports/notifier.js';

/** What one POST came to: the HTTP status (null when no answer came) and why it failed (null: a 2xx). */
export interface PostResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs a JSON body with Node's fetch, bounded by `timeoutMs`. Any 2xx is success; a redirect is not followed
 * (a body goes where it was configured, nowhere else). Errors name the URL's origin only: the path of an
 * incoming-webhook URL is a secret.
 */
export async function postJsonFor(
  url: string,
  body: string,
  options: { timeoutMs: number; headers?: Record<string, string> },
): Promise<PostResult> {
  const where = originOf(url);
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'custos', ...options.headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    return {
      status: response.status,
      error: ok ? null : `HTTP ${response.status} from ${where}`,
      durationMs: took(),
    };
  } catch (cause) {
    return { status: null, error: `${where}: ${reasonOf(cause, options.timeoutMs)}`, durationMs: took() };
  }
}

/** postJsonFor as a notice's delivery outcome. */
export async function postJson(
  url: string,
  body: string,
  options: { timeoutMs: number; headers?: Record<string, string> },
): Promise<DeliveryOutcome> {
  const { error } = await postJsonFor(url, body, options);
  return error === null ? { ok: true } : { ok: false, error };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

function reasonOf(cause: unknown, timeoutMs: number): string {
  if (cause instanceof DOMException && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  if (cause instanceof Error) {
    const inner = cause.cause;
    const code = inner instanceof Error && 'code' in inner ? String(inner.code) : null;
    return code !== null ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}
